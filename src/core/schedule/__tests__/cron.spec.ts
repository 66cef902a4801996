import { CronError, cronMatches, lastFireBetween, parseCron } from "../cron"

const at = (iso: string) => new Date(iso)

describe("cron", () => {
  it("matches the default hourly schedule at minute 0 of every hour (UTC)", () => {
    const hourly = parseCron("0 * * * *")
    expect(cronMatches(hourly, at("2026-11-26T14:00:00Z"))).toBe(true)
    expect(cronMatches(hourly, at("2026-11-26T14:00:59.999Z"))).toBe(true)
    expect(cronMatches(hourly, at("2026-11-26T14:01:00Z"))).toBe(false)
    expect(parseCron("@hourly")).toEqual(hourly)
  })

  it("supports lists, ranges, steps and names", () => {
    const c = parseCron("*/15 9-17 * jan,JUL mon-fri")
    expect(cronMatches(c, at("2026-07-01T09:45:00Z"))).toBe(true) // a Wednesday
    expect(cronMatches(c, at("2026-07-04T09:45:00Z"))).toBe(false) // Saturday
    expect(cronMatches(c, at("2026-07-01T18:00:00Z"))).toBe(false)
    expect(cronMatches(c, at("2026-07-01T09:50:00Z"))).toBe(false)
    expect(cronMatches(parseCron("5/20 * * * *"), at("2026-01-01T00:45:00Z"))).toBe(true)
  })

  it("ORs day of month and day of week when both are restricted; 7 is Sunday", () => {
    const c = parseCron("0 0 13 * 5")
    expect(cronMatches(c, at("2026-11-13T00:00:00Z"))).toBe(true) // 13th (a Friday)
    expect(cronMatches(c, at("2026-11-20T00:00:00Z"))).toBe(true) // a Friday
    expect(cronMatches(c, at("2026-11-14T00:00:00Z"))).toBe(false)
    expect(cronMatches(parseCron("0 0 * * 7"), at("2026-11-29T00:00:00Z"))).toBe(true)
  })

  it("rejects malformed expressions naming the field", () => {
    expect(() => parseCron("0 * * *")).toThrow(CronError)
    expect(() => parseCron("60 * * * *")).toThrow(/minute: '60' is not in 0-59/)
    expect(() => parseCron("0 5-2 * * *")).toThrow(/hour: range '5-2' runs backwards/)
    expect(() => parseCron("0 * * * */0")).toThrow(/day of week: bad step/)
    expect(() => parseCron("0 * * foo *")).toThrow(/month/)
  })

  it("lastFireBetween finds the latest firing in (after, now], or null", () => {
    const hourly = parseCron("0 * * * *")
    expect(lastFireBetween(hourly, at("2026-11-26T13:00:05Z"), at("2026-11-26T13:59:59Z"))).toBeNull()
    expect(lastFireBetween(hourly, at("2026-11-26T13:00:05Z"), at("2026-11-26T14:00:00Z"))).toEqual(at("2026-11-26T14:00:00Z"))
    expect(lastFireBetween(hourly, at("2026-11-26T10:30:00Z"), at("2026-11-26T14:20:00Z"))).toEqual(at("2026-11-26T14:00:00Z"))
    // a firing exactly at `after` has already been served
    expect(lastFireBetween(hourly, at("2026-11-26T14:00:00Z"), at("2026-11-26T14:30:00Z"))).toBeNull()
    expect(lastFireBetween(parseCron("0 0 1 1 *"), null, at("2026-11-26T14:20:00Z"))).toEqual(at("2026-01-01T00:00:00Z"))
  })
})
