import fc from "fast-check"
import { Rule } from "../ast"
import { matches } from "../evaluate"
import { nextChange } from "../next-change"
import { parse } from "../parser"
import { Subject, SubjectEvent, subjectFromProfileRow } from "../subject"
import { narrowPools, ruleArb, testCatalog } from "./support/arbitraries"
import { NOW, instantArb, profileArb } from "./support/profiles"

const T = NOW.getTime()
const H = 3_600_000
const D = 24 * H
const subject = (traits: Record<string, unknown>, events: SubjectEvent[] = []): Subject => ({ traits, events, segments: [], consent: {} })
const at = (ms: number) => new Date(ms)
const next = (text: string, s: Subject, now = NOW) => nextChange(parse(text), s, now, testCatalog)

describe("nextChange: examples", () => {
  it("last_order_at < -30d becomes true 30 days (and 1 ms, the comparison is strict) after the last order", () => {
    const last = T - 10 * D
    expect(next("last_order_at < -30d", subject({ last_order_at: at(last) }))).toEqual(at(last + 30 * D + 1))
    expect(next("last_order_at <= -30d", subject({ last_order_at: at(last) }))).toEqual(at(last + 30 * D))
    expect(next("last_order_at < -30d", subject({ last_order_at: at(T - 40 * D) }))).toBeNull() // already true for good
    expect(next("last_order_at < -30d", subject({ last_order_at: null }))).toBeNull()
  })

  it("a day count flips when the day completes: days_since_last_order >= 30 at the order + 30 days, < 30 leaves then", () => {
    const last = T - 10 * D - 5 * H
    const s = subject({ last_order_at: at(last) })
    expect(next("days_since_last_order >= 30", s)).toEqual(at(last + 30 * D))
    expect(next("days_since_last_order < 30", s)).toEqual(at(last + 30 * D))
    expect(next("days_since_last_order <= 29.5", s)).toEqual(at(last + 30 * D))
    expect(next("days_since_last_order > 29.5", s)).toEqual(at(last + 30 * D))
    // = 10 holds now (10 days 5 hours) and ends when the 11th day completes
    expect(next("days_since_last_order = 10", s)).toEqual(at(last + 11 * D))
    expect(next("days_since_last_order = 10.5", s)).toBeNull()
    expect(next("days_since_last_order IN (12, 20)", s)).toEqual(at(last + 12 * D))
    expect(next("days_since_last_order < 30", subject({ last_order_at: null }))).toBeNull()
    expect(next("days_since_last_order < '12345678901234567.89'", s)).toBeNull()
    const created = T - 2 * D
    expect(next("customer_age_days < 7", subject({ customer_created_at: at(created) }))).toEqual(at(created + 7 * D))
  })

  it("a 24 h count flips when its oldest counted event ages out", () => {
    const events = [2, 5, 20].map((h) => ({ type: "product_viewed", properties: {}, occurred_at: at(T - h * H) }))
    // 3 events in the window; the one 20 h old leaves at now + 4 h, leaving 2.
    expect(next("event('product_viewed').count(last 24h) >= 3", subject({}, events))).toEqual(at(T + 4 * H))
    expect(next("event('product_viewed').count(last 24h) >= 1", subject({}, events))).toEqual(at(T + 22 * H))
    expect(next("event('product_viewed').none(last 24h)", subject({}, events))).toEqual(at(T + 22 * H))
  })

  it("today flips at the next UTC midnight", () => {
    expect(next("last_seen_at >= today", subject({ last_seen_at: at(T - H) }))).toEqual(new Date("2026-03-16T00:00:00Z"))
  })

  it("is null when nothing time-based can change the result", () => {
    expect(next("orders_count >= 3 AND segment('vip')", subject({ orders_count: 5 }))).toBeNull()
    expect(next("last_order_at < '2026-01-01'", subject({ last_order_at: at(T) }))).toBeNull()
  })

  it("is null when a time-based change cannot flip the whole rule", () => {
    const events = [{ type: "order_placed", properties: {}, occurred_at: at(T - H) }]
    expect(next("orders_count > 100 AND event('order_placed').exists(last 1d)", subject({ orders_count: 1 }, events))).toBeNull()
  })
})

describe("nextChange: property", () => {
  const subjectArb = profileArb.map((p) =>
    subjectFromProfileRow(
      p.row,
      { events: p.events.filter((e) => !e.deleted).map(({ type, properties, occurred_at }) => ({ type, properties: properties as Record<string, unknown>, occurred_at })), segments: p.memberships.filter((m) => m.state === "open").map((m) => m.handle) },
      testCatalog
    )
  )

  // Rules over date traits, day counts and windows only, so that most of them do change with time.
  const timeCatalog = new Map([...testCatalog].filter(([, d]) => d.type === "date" || "daysSince" in d.source))
  const timeRuleArb = ruleArb(timeCatalog, narrowPools)

  const check = (name: string, rules: fc.Arbitrary<Rule>, runs: number, minFlips: number) =>
    it(name, () => {
      let flips = 0
      fc.assert(
        fc.property(rules, subjectArb, instantArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }), (rule: Rule, s: Subject, now: number, probes: number[]) => {
          const before = matches(rule, s, now, testCatalog)
          const t = nextChange(rule, s, new Date(now), testCatalog)
          if (t === null) {
            // No flip ever (without new events): probe up to two years ahead.
            for (const p of probes) expect(matches(rule, s, now + Math.floor(p * 730 * D), testCatalog)).toBe(before)
            return
          }
          flips++
          const tm = t.getTime()
          expect(tm).toBeGreaterThan(now)
          expect(matches(rule, s, tm - 1, testCatalog)).toBe(before)
          for (const p of probes) expect(matches(rule, s, now + Math.floor(p * (tm - now - 1)), testCatalog)).toBe(before)
          expect(matches(rule, s, tm, testCatalog)).toBe(!before)
        }),
        { numRuns: runs }
      )
      expect(flips).toBeGreaterThan(minFlips)
    })

  check("any rule: unchanged before nextChange, different at it; unchanged far ahead when null", ruleArb(testCatalog), 1500, 20)
  check("time-based rules (dates, day counts and windows only): the same, many of them flipping", timeRuleArb, 3000, 150)

  // Day counts (with windows, segments and consent, as ruleArb draws them), so the other date traits do not dilute it.
  const daysCatalog = new Map([...testCatalog].filter(([, d]) => "daysSince" in d.source))
  check("day-count rules (days_since_last_order, customer_age_days): the same, many of them flipping", ruleArb(daysCatalog, narrowPools), 3000, 150)
})
