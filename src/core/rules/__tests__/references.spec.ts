import { compileSql } from "../compile-sql"
import { findCycle, segmentReferences } from "../cycles"
import { dependencies } from "../dependencies"
import { format } from "../format"
import { evaluate, matches } from "../evaluate"
import { parse } from "../parser"
import { labelSegmentHandles, resolveSegmentIds, segmentKey, withoutSegmentIds } from "../references"
import type { Subject } from "../subject"

const now = new Date("2026-06-01T00:00:00.000Z")
const subject = (segments: string[]): Subject => ({ traits: {}, events: [], segments, consent: {} })

describe("segment references by id", () => {
  const written = parse("segment('vip') AND NOT (segment('b2b') OR segment('vip'))")
  const ids: Record<string, string> = { vip: "pseg_1", b2b: "pseg_2" }

  it("resolves handles to ids, keeping the handle as a label; unknown handles are listed once", () => {
    const { rule, missing } = resolveSegmentIds(written, (h) => ids[h])
    expect(missing).toEqual([])
    expect(segmentReferences(rule)).toEqual(["pseg_1", "pseg_2"])
    expect(dependencies(rule).segments).toEqual(["pseg_1", "pseg_2"])
    expect(format(rule)).toBe(format(written))
    expect(resolveSegmentIds(parse("segment('x') OR segment('vip') OR segment('x')"), (h) => ids[h]).missing).toEqual(["x"])
    // the rule as written is untouched
    expect(segmentReferences(written)).toEqual(["vip", "b2b"])
  })

  it("evaluates and compiles a stored reference by id, whatever its label says", () => {
    const { rule } = resolveSegmentIds(parse("segment('vip')"), (h) => ids[h])
    expect(matches(rule, subject(["pseg_1"]), now)).toBe(true)
    // a subject in some segment now called 'vip' (another id) is not in the referenced one
    expect(matches(rule, subject(["vip", "pseg_9"]), now)).toBe(false)
    expect(evaluate(rule, subject(["pseg_1"]), now).trace).toMatchObject({ type: "segment", handle: "vip", pass: true })
    const sql = compileSql(rule, now)
    expect(sql.text).toContain("s.id = $")
    expect(sql.text).not.toContain("s.handle")
    expect(sql.values).toContain("pseg_1")
    expect(segmentKey({ type: "segment", handle: "vip" })).toBe("vip")
    // as written (no id): by handle, as before
    expect(compileSql(parse("segment('vip')"), now).text).toContain("s.handle = $")
  })

  it("relabels after a rename and strips ids for the edges", () => {
    const { rule } = resolveSegmentIds(written, (h) => ids[h])
    const renamed = labelSegmentHandles(rule, (id) => (id === "pseg_1" ? "gold" : id === "pseg_2" ? "b2b" : undefined))
    expect(format(renamed)).toBe("segment('gold') AND NOT (segment('b2b') OR segment('gold'))")
    expect(segmentReferences(renamed)).toEqual(["pseg_1", "pseg_2"])
    expect(segmentReferences(withoutSegmentIds(renamed))).toEqual(["gold", "b2b"])
    expect(JSON.stringify(withoutSegmentIds(renamed))).not.toContain("pseg_")
    // an id nobody knows keeps its label
    expect(format(labelSegmentHandles(rule, () => undefined))).toBe(format(written))
  })

  it("finds cycles by id, so labels cannot hide or invent one", () => {
    const a = resolveSegmentIds(parse("segment('b')"), () => "pseg_b").rule
    const b = resolveSegmentIds(parse("segment('a')"), () => "pseg_a").rule
    expect(findCycle("pseg_a", a, new Map([["pseg_b", b]]))).toEqual(["pseg_a", "pseg_b", "pseg_a"])
    // b's reference is labelled 'a' but points at another id: no cycle
    const elsewhere = resolveSegmentIds(parse("segment('a')"), () => "pseg_other").rule
    expect(findCycle("pseg_a", a, new Map([["pseg_b", elsewhere]]))).toBeNull()
  })
})

describe("segmentReferences on stored rules", () => {
  it("reads children only where the node's type has them (stray keys from an old merge are not references)", () => {
    const merged = { type: "trait", trait: "orders_count", op: ">=", value: 2, rules: [{ type: "segment", handle: "old", id: "pseg_old" }] }
    expect(segmentReferences(merged)).toEqual([])
    expect(segmentReferences({ type: "not", rule: { type: "segment", handle: "a", id: "pseg_a" }, rules: [{ type: "segment", handle: "b" }] })).toEqual(["pseg_a"])
  })
})
