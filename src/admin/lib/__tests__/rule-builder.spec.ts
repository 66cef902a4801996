import fc from "fast-check"
import { format, parse, type Rule } from "../../../core/rules"
import { ruleArb, testCatalog, narrowPools, widePools } from "../../../core/rules/__tests__/support/arbitraries"
import {
  fromRule,
  idGenerator,
  newEventNode,
  newTraitNode,
  removeNode,
  toRule,
  typedNumber,
  updateNode,
  valuesForOp,
  type BuilderNode,
  type GroupNode,
} from "../rule-builder"

function roundTrip(rule: Rule): Rule {
  const back = toRule(fromRule(rule, idGenerator()))
  if (!back.ok) throw new Error(`builder rejected a valid rule: ${JSON.stringify(back.errors)}`)
  return back.rule
}

describe("rule builder state ↔ AST", () => {
  it("gives back every valid rule (narrow value pools)", () => {
    fc.assert(fc.property(ruleArb(testCatalog, narrowPools), (rule) => expect(roundTrip(rule)).toEqual(rule)), {
      numRuns: 500,
    })
  })

  it("gives back every valid rule (wide values: any unicode, doubles, exact decimals, dates)", () => {
    fc.assert(fc.property(ruleArb(testCatalog, widePools), (rule) => expect(roundTrip(rule)).toEqual(rule)), {
      numRuns: 500,
    })
  })

  it("text mode and back keeps the rule: parse(format(toRule(state))) equals toRule(state)", () => {
    fc.assert(
      fc.property(ruleArb(testCatalog, narrowPools), (rule) => {
        const r = roundTrip(rule)
        expect(roundTrip(parse(format(r)))).toEqual(r)
      }),
      { numRuns: 200 }
    )
  })

  it("keeps number vs decimal-string values apart (100.1 stays a number, '100.10' a string, -0 survives)", () => {
    const rule: Rule = {
      type: "and",
      rules: [
        { type: "trait", trait: "total_spent", op: ">=", value: "100.10" },
        { type: "trait", trait: "orders_count", op: "in", value: [100.1, -0, 1e21] },
      ],
    }
    const back = roundTrip(rule) as { rules: { value: unknown }[] }
    expect(back.rules[0].value).toBe("100.10")
    expect(Object.is((back.rules[1].value as number[])[1], -0)).toBe(true)
  })

  it("a single condition becomes a root group of one and comes back as the condition", () => {
    const rule: Rule = { type: "segment", handle: "vip" }
    const state = fromRule(rule)
    expect(state.kind).toBe("group")
    expect(state.children).toHaveLength(1)
    expect(roundTrip(rule)).toEqual(rule)
  })

  it("reports unfinished state against the node instead of producing a rule", () => {
    const next = idGenerator("t")
    const empty: GroupNode = { id: "root", kind: "group", op: "and", children: [] }
    expect(toRule(empty)).toEqual({ ok: false, errors: [{ id: "root", message: expect.stringMatching(/at least one/) }] })

    const trait = newTraitNode(next, { name: "orders_count", type: "number", label: "Orders" }, [">=", "<"])
    const bad: BuilderNode = { ...trait, values: [{ kind: "number", text: "3x" }] }
    const res = toRule({ ...empty, children: [bad] })
    expect(res.ok).toBe(false)
    expect(!res.ok && res.errors[0]).toEqual({ id: trait.id, message: "'3x' is not a number" })

    const rel = { ...trait, trait: "last_order_at", op: "<" as const, values: [{ kind: "relative" as const, text: "30 days" }] }
    const res2 = toRule({ ...empty, children: [rel] })
    expect(!res2.ok && res2.errors[0].message).toMatch(/not a relative date/)
  })

  it("edits: update, remove, reshape values to the operator", () => {
    const next = idGenerator("e")
    const a = newTraitNode(next, { name: "orders_count", type: "number", label: "Orders" }, ["=", ">="])
    const b = newEventNode(next)
    const root: GroupNode = { id: "r", kind: "group", op: "or", children: [a, b] }
    const changed = updateNode(root, a.id, (n) => ({ ...n, values: [{ kind: "number", text: "3" }] })) as GroupNode
    expect(toRule(changed)).toEqual({
      ok: true,
      rule: {
        type: "or",
        rules: [
          { type: "trait", trait: "orders_count", op: ">=", value: 3 },
          { type: "event", event: "product_viewed", measure: "count", op: ">=", value: 1, where: [], window: { amount: 30, unit: "d" } },
        ],
      },
    })
    const removed = removeNode(changed, b.id)
    expect(toRule(removed)).toEqual({ ok: true, rule: { type: "trait", trait: "orders_count", op: ">=", value: 3 } })
    const v = [{ kind: "number" as const, text: "1" }]
    expect(valuesForOp("between", v, v[0])).toHaveLength(2)
    expect(valuesForOp("is_null", v, v[0])).toHaveLength(0)
    expect(valuesForOp("in", v, v[0])).toEqual(v)
  })

  it("types numbers the user enters like the text parser types literals (number when exact, else a decimal string)", () => {
    expect(typedNumber("50")).toEqual({ kind: "number", text: "50" })
    expect(typedNumber("100.10")).toEqual({ kind: "number", text: "100.10" })
    expect(typedNumber("12345678901234567.89")).toEqual({ kind: "decimal", text: "12345678901234567.89", typed: true })
    expect(typedNumber("3x")).toEqual({ kind: "number", text: "3x" })
    fc.assert(
      fc.property(fc.oneof(fc.integer().map(String), fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.nat({ max: 6 })).map(([m, s]) => {
        const d = m.toString().padStart(s + 1, "0")
        return s ? `${d.slice(0, -s)}.${d.slice(-s)}` : d
      })), (text) => {
        const r = toRule({ id: "g", kind: "group", op: "and", children: [{ id: "c", kind: "trait", trait: "total_spent", op: ">=", values: [typedNumber(text)] }] })
        expect(r.ok && r.rule).toEqual(parse(`total_spent >= ${text}`))
      })
    )
  })
})
