import fc from "fast-check"
import { addDecimal, compareDecimal, decimalToString, toDecimal } from "../decimal"
import { dependencies } from "../dependencies"
import { findCycle, segmentReferences } from "../cycles"
import { parse } from "../parser"
import { describeCatalog, defaultCatalog } from "../catalog"
import * as api from "../index"

describe("decimal", () => {
  it("parses numbers and decimal strings exactly", () => {
    expect(decimalToString(toDecimal("100.10")!)).toBe("100.1")
    expect(decimalToString(toDecimal(1e21)!)).toBe("1000000000000000000000")
    expect(decimalToString(toDecimal(1e-7)!)).toBe("0.0000001")
    expect(decimalToString(toDecimal(-0.5)!)).toBe("-0.5")
    expect(decimalToString(toDecimal(-0)!)).toBe("0")
    expect(toDecimal("1e3")).toBeNull()
    expect(toDecimal(" 1")).toBeNull()
    expect(toDecimal(NaN)).toBeNull()
    expect(toDecimal(Infinity)).toBeNull()
    expect(toDecimal(true)).toBeNull()
  })

  it("adds without binary rounding", () => {
    expect(decimalToString(addDecimal(toDecimal(0.1)!, toDecimal(0.2)!))).toBe("0.3")
    expect(compareDecimal(addDecimal(toDecimal("0.1")!, toDecimal("0.2")!), toDecimal(0.3)!)).toBe(0)
  })

  it("property: compares like BigInt-scaled integers and agrees with doubles when they are exact", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e9, max: 1e9 }), fc.nat({ max: 6 }), (a, b, s) => {
        const da = toDecimal((a / 10 ** s).toFixed(s))!
        const db = toDecimal((b / 10 ** s).toFixed(s))!
        expect(compareDecimal(da, db)).toBe(Math.sign(a - b) as -1 | 0 | 1)
      })
    )
  })
})

describe("dependencies", () => {
  it("lists what a rule reads", () => {
    expect(
      dependencies(
        parse(
          "orders_count >= 3 AND NOT segment('vip') AND (consent('marketing') OR event('product_viewed', category = 'x').count(last 24h) > 1 OR event('order_placed').exists(last 7d)) AND country = 'DE' AND orders_count < 10"
        )
      )
    ).toEqual({
      traits: ["country", "orders_count"],
      eventTypes: ["order_placed", "product_viewed"],
      segments: ["vip"],
      consent: ["marketing"],
      timeBased: true,
    })
  })

  it("is time-based for relative dates and windows only", () => {
    expect(dependencies(parse("orders_count > 1 AND last_order_at < '2024-01-01'")).timeBased).toBe(false)
    expect(dependencies(parse("last_order_at < -30d")).timeBased).toBe(true)
    expect(dependencies(parse("last_seen_at BETWEEN '2024-01-01' AND today")).timeBased).toBe(true)
    expect(dependencies(parse("event('x').none(last 1d)")).timeBased).toBe(true)
  })

  it("a day count reads its base date and is time-based (but IS NULL of it is not)", () => {
    expect(dependencies(parse("days_since_last_order >= 30"))).toMatchObject({
      traits: ["days_since_last_order", "last_order_at"],
      timeBased: true,
    })
    expect(dependencies(parse("customer_age_days IN (1, 2)"))).toMatchObject({
      traits: ["customer_age_days", "customer_created_at"],
      timeBased: true,
    })
    expect(dependencies(parse("days_since_last_order IS NULL")).timeBased).toBe(false)
  })
})

describe("findCycle", () => {
  const rules = new Map<string, unknown>([
    ["vip", parse("orders_count > 5")],
    ["loyal", parse("segment('vip') AND segment('active')")],
    ["active", parse("event('x').exists(last 7d) OR segment('loyal')")],
    ["dangling", parse("segment('missing')")],
  ])
  it("finds a cycle through other segments", () => {
    expect(findCycle("loyal", rules.get("loyal"), rules)).toEqual(["loyal", "active", "loyal"])
    expect(findCycle("active", rules.get("active"), (h) => rules.get(h))).toEqual(["active", "loyal", "active"])
  })
  it("checks a new, unsaved rule against the stored ones", () => {
    const acyclic = new Map<string, unknown>([
      ["vip", parse("orders_count > 5")],
      ["loyal", parse("segment('vip') AND segment('dangling')")],
    ])
    expect(findCycle("vip", parse("segment('loyal')"), acyclic)).toEqual(["vip", "loyal", "vip"])
    expect(findCycle("vip", parse("orders_count > 9"), acyclic)).toBeNull()
    expect(findCycle("new", parse("segment('new')"), rules)).toEqual(["new", "new"])
    expect(findCycle("new", parse("segment('vip') OR segment('dangling')"), rules)).toBeNull()
  })
  it("reads references from raw JSON", () => {
    expect(segmentReferences({ type: "not", rule: { type: "and", rules: [{ type: "segment", handle: "a" }, null, 3] } })).toEqual(["a"])
    expect(segmentReferences(parse("segment('b') OR (segment('a') AND NOT segment('c'))"))).toEqual(["b", "a", "c"])
  })
})

describe("public API", () => {
  it("exports the functions from index", () => {
    for (const name of ["validateRule", "validateText", "parse", "tryParse", "format", "evaluate", "matches", "compileSql", "compileSegmentQuery", "nextChange", "dependencies", "findCycle", "extendCatalog", "defaultCatalog", "ruleSchema", "subjectFromProfileRow"]) {
      expect(api).toHaveProperty(name)
    }
  })
  it("describes the catalogue for the admin editor", () => {
    expect(describeCatalog(defaultCatalog).find((t) => t.name === "total_spent")).toEqual({
      name: "total_spent",
      type: "money",
      label: "Total spent",
      description: "Sum of order totals (store currency)",
    })
  })
})
