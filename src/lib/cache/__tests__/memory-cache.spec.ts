// The in-process back end's rules (the Redis one follows the same; its behaviour is covered by cache.spec.ts).
import { MemoryMembershipCache } from "../memory"
import { DEFAULT_CACHE_SETTINGS } from "../types"

const make = (over: Partial<typeof DEFAULT_CACHE_SETTINGS> = {}) => new MemoryMembershipCache({ ...DEFAULT_CACHE_SETTINGS, ...over })

describe("MemoryMembershipCache", () => {
  it("a fill is read back; an unknown profile is a miss", async () => {
    const c = make()
    const read = await c.get(["p1", "p2"])
    expect(read.entries.size).toBe(0)
    await c.fill(read, [["p1", ["s1", "s2"]], ["p2", []]])
    const again = await c.get(["p1", "p2", "p3"])
    expect(Object.fromEntries(again.entries)).toEqual({ p1: ["s1", "s2"], p2: [] })
  })

  it("profiles with the same segments share one stored set; what a reader gets is its own copy", async () => {
    const c = make()
    const read = await c.get(["p1", "p2", "p3"])
    const fromDb = ["s1", "s2"]
    await c.fill(read, [["p1", fromDb], ["p2", ["s1", "s2"]], ["p3", ["s3"]]])
    fromDb.push("s9") // the caller's array is not the stored one
    const got = await c.get(["p1", "p2", "p3"])
    expect(Object.fromEntries(got.entries)).toEqual({ p1: ["s1", "s2"], p2: ["s1", "s2"], p3: ["s3"] })
    got.entries.get("p1")!.push("mutated") // a reader mutating its answer changes nothing stored
    expect((await c.get(["p1", "p2"])).entries.get("p2")).toEqual(["s1", "s2"])
    expect((await c.get(["p1"])).entries.get("p1")).toEqual(["s1", "s2"])
  })

  it("a reader that began before an invalidation cannot put its (possibly stale) answer back", async () => {
    const c = make()
    const early = await c.get(["p1"]) // read Postgres … meanwhile a write commits and invalidates
    await c.invalidate(["p1"])
    await c.fill(early, [["p1", ["old"]]])
    expect((await c.get(["p1"])).entries.has("p1")).toBe(false)
    // a reader that began after the invalidation fills at once
    const late = await c.get(["p1"])
    await c.fill(late, [["p1", ["new"]]])
    expect((await c.get(["p1"])).entries.get("p1")).toEqual(["new"])
  })

  it("a generation bump turns every entry into a miss and refuses fills read under the old one", async () => {
    const c = make()
    const r1 = await c.get(["p1"])
    await c.fill(r1, [["p1", ["s1"]]])
    const r2 = await c.get(["p2"])
    await c.bumpGeneration()
    await c.fill(r2, [["p2", ["s9"]]])
    const r3 = await c.get(["p1", "p2"])
    expect(r3.entries.size).toBe(0)
    await c.fill(r3, [["p1", ["s1", "s3"]]])
    expect((await c.get(["p1"])).entries.get("p1")).toEqual(["s1", "s3"])
  })

  it("is bounded: the least recently used profiles are dropped past maxEntries", async () => {
    const c = make({ maxEntries: 100 })
    const ids = Array.from({ length: 250 }, (_, i) => `p${i}`)
    await c.fill(await c.get([]), ids.map((id) => [id, ["s"]]))
    expect(c.size()).toBeLessThanOrEqual(100)
    expect((await c.get(["p249"])).entries.has("p249")).toBe(true)
    expect((await c.get(["p0"])).entries.has("p0")).toBe(false)
  })

  it("counts job runs per minute", async () => {
    const c = make()
    await c.recordRun("job", "2026-11-26T10:00")
    await c.recordRun("job", "2026-11-26T10:00")
    expect(await c.runs("job", "2026-11-26T10:00")).toBe(2)
    expect(await c.runs("job", "2026-11-26T10:01")).toBe(0)
  })
})
