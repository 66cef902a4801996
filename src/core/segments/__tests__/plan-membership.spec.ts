import { parse, resolveSegmentIds, type Subject } from "../../rules"
import { orderByReferences, planMembership, type SegmentForPlan } from "../plan-membership"
import { summarizeTrace } from "../summarize-trace"
import { evaluate } from "../../rules"

const now = new Date("2026-06-01T00:00:00.000Z")
// Stored rules reference segments by id: segment('<handle>') in the texts below resolves through this table.
const IDS: Record<string, string> = { repeat: "s1", recent: "s2", mkt: "s3", "vip-repeat": "s4", a: "a", b: "b", c: "c" }
const stored = (text: string) => resolveSegmentIds(parse(text), (h) => IDS[h]).rule
const seg = (id: string, handle: string, text: string, purpose = "personalization"): SegmentForPlan => ({
  id,
  handle,
  rule: stored(text),
  purpose,
})
const subject = (traits: Record<string, unknown>, extra: Partial<Subject> = {}): Subject => ({
  traits,
  events: [],
  segments: [],
  consent: { personalization: "granted" },
  ...extra,
})

describe("planMembership", () => {
  const repeat = seg("s1", "repeat", "orders_count >= 3")
  const recent = seg("s2", "recent", "last_order_at > -30d")

  it("enters matching segments with a reason and leaves the others", () => {
    const plan = planMembership({
      segments: [repeat, recent],
      subject: subject({ orders_count: 3, last_order_at: new Date("2026-04-01T00:00:00.000Z") }),
      current: new Set(["s2"]),
      now,
      requireConsent: true,
    })
    expect(plan.enter).toEqual([{ segment_id: "s1", handle: "repeat", reason: "orders_count >= 3 (was 3)" }])
    expect(plan.exit.map((e) => e.segment_id)).toEqual(["s2"])
    expect(plan.exit[0].reason).toContain("last_order_at")
    expect(plan.members).toEqual(["s1"])
  })

  it("changes nothing when memberships already agree", () => {
    const plan = planMembership({
      segments: [repeat],
      subject: subject({ orders_count: 5 }),
      current: new Set(["s1"]),
      now,
      requireConsent: true,
    })
    expect(plan.enter).toEqual([])
    expect(plan.exit).toEqual([])
  })

  it("never keeps a subject without consent for the segment's purpose", () => {
    const plan = planMembership({
      segments: [repeat, seg("s3", "mkt", "orders_count >= 1", "marketing")],
      subject: subject({ orders_count: 9 }, { consent: { personalization: "withdrawn", marketing: "granted" } }),
      current: new Set(["s1"]),
      now,
      requireConsent: true,
    })
    expect(plan.exit).toEqual([{ segment_id: "s1", handle: "repeat", reason: "no consent for 'personalization'" }])
    expect(plan.enter.map((e) => e.handle)).toEqual(["mkt"])
    const relaxed = planMembership({
      segments: [repeat],
      subject: subject({ orders_count: 9 }, { consent: {} }),
      current: new Set(),
      now,
      requireConsent: false,
    })
    expect(relaxed.enter.map((e) => e.handle)).toEqual(["repeat"])
  })

  it("decides referenced segments first, so segment('…') sees the new membership", () => {
    const vipRepeat = seg("s4", "vip-repeat", "segment('repeat') AND total_spent >= 100")
    const plan = planMembership({
      segments: [vipRepeat, repeat],
      subject: subject({ orders_count: 3, total_spent: "150" }),
      current: new Set(),
      now,
      requireConsent: true,
    })
    expect(plan.enter.map((e) => e.handle)).toEqual(["repeat", "vip-repeat"])
    expect(plan.enter[1].reason).toContain("segment('repeat')")
  })

  it("follows a reference by id: a renamed segment is still referenced, a segment taking its old handle is not", () => {
    const vipRepeat = seg("s4", "vip-repeat", "segment('repeat') AND total_spent >= 100")
    const renamed = { ...repeat, handle: "loyal" }
    const impostor = seg("s9", "repeat", "total_spent >= 0")
    const plan = planMembership({
      segments: [vipRepeat, renamed, impostor],
      subject: subject({ orders_count: 1, total_spent: "150" }),
      current: new Set(),
      now,
      requireConsent: true,
    })
    // s1 (now 'loyal') does not match, so vip-repeat does not either, although a segment named 'repeat' matches.
    expect(plan.enter.map((e) => e.segment_id)).toEqual(["s9"])
    const member = planMembership({
      segments: [vipRepeat, renamed, impostor],
      subject: subject({ orders_count: 3, total_spent: "150" }),
      current: new Set(),
      now,
      requireConsent: true,
    })
    expect(member.enter.map((e) => e.segment_id).sort()).toEqual(["s1", "s4", "s9"])
    expect(orderByReferences([vipRepeat, impostor, renamed]).map((s) => s.id)).toEqual(["s1", "s4", "s9"])
  })

  it("schedules the earliest time-based change", () => {
    const lastOrder = new Date("2026-05-20T10:00:00.000Z")
    const plan = planMembership({
      segments: [repeat, recent],
      subject: subject({ orders_count: 1, last_order_at: lastOrder }),
      current: new Set(["s2"]),
      now,
      requireConsent: true,
    })
    expect(plan.next_change_at).toEqual(new Date(lastOrder.getTime() + 30 * 86_400_000))
    const none = planMembership({ segments: [repeat], subject: subject({ orders_count: 1 }), current: new Set(), now, requireConsent: true })
    expect(none.next_change_at).toBeNull()
  })

  it("ignores memberships of segments not in the plan (inactive ones)", () => {
    const plan = planMembership({ segments: [repeat], subject: subject({ orders_count: 0 }), current: new Set(["gone"]), now, requireConsent: true })
    expect(plan.exit).toEqual([])
    expect(plan.members).toEqual([])
  })
})

describe("orderByReferences", () => {
  it("puts dependencies first and keeps every segment once", () => {
    const a = seg("a", "a", "segment('b') OR segment('c')")
    const b = seg("b", "b", "segment('c')")
    const c = seg("c", "c", "orders_count > 1")
    expect(orderByReferences([a, b, c]).map((s) => s.handle)).toEqual(["c", "b", "a"])
  })
})

describe("summarizeTrace", () => {
  it("names the deciding conditions with the subject's values", () => {
    const rule = parse("orders_count >= 3 AND (country = 'DE' OR country = 'AT')")
    const { trace } = evaluate(rule, subject({ orders_count: 4, country: "AT" }), now)
    expect(summarizeTrace(trace)).toBe("orders_count >= 3 (was 4); country = 'AT' (was AT)")
    const failed = evaluate(rule, subject({ orders_count: 1, country: "AT" }), now).trace
    expect(summarizeTrace(failed)).toBe("not orders_count >= 3 (was 1)")
  })
})
