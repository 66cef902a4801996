import fc from "fast-check"
import { Rule } from "../ast"
import { format } from "../format"
import { RuleSyntaxError, parse, tryParse } from "../parser"
import { validateRule, validateText } from "../validate"
import { narrowPools, ruleArb, testCatalog, widePools } from "./support/arbitraries"

describe("text syntax", () => {
  it("parses the design examples", () => {
    expect(parse("orders_count >= 3 AND last_order_at < -30d AND NOT segment('vip')")).toEqual({
      type: "and",
      rules: [
        { type: "trait", trait: "orders_count", op: ">=", value: 3 },
        { type: "trait", trait: "last_order_at", op: "<", value: { relative: "-30d" } },
        { type: "not", rule: { type: "segment", handle: "vip" } },
      ],
    })
    expect(parse("event('product_viewed', category = 'electronics').count(last 24h) >= 3")).toEqual({
      type: "event",
      event: "product_viewed",
      where: [{ property: "category", op: "=", value: "electronics" }],
      measure: "count",
      window: { amount: 24, unit: "h" },
      op: ">=",
      value: 3,
    })
    expect(parse("total_spent BETWEEN 100 AND 500 OR country IN ('DE', 'AT')")).toEqual({
      type: "or",
      rules: [
        { type: "trait", trait: "total_spent", op: "between", value: [100, 500] },
        { type: "trait", trait: "country", op: "in", value: ["DE", "AT"] },
      ],
    })
  })

  it("parses sums, exists, none, null checks, contains, consent and keywords in any case", () => {
    expect(parse("event('order_placed', currency IN ('eur', 'usd')).sum(amount, last 7d) > 100")).toMatchObject({
      measure: "sum",
      property: "amount",
      where: [{ property: "currency", op: "in", value: ["eur", "usd"] }],
      window: { amount: 7, unit: "d" },
      op: ">",
      value: 100,
    })
    expect(parse("not event('order_placed').exists(last 90 days)")).toEqual({
      type: "not",
      rule: { type: "event", event: "order_placed", where: [], measure: "exists", window: { amount: 90, unit: "d" } },
    })
    expect(parse("event('order_placed').none(LAST 30 minutes)")).toMatchObject({ measure: "none", window: { amount: 30, unit: "m" } })
    expect(parse("email_domain is null")).toEqual({ type: "trait", trait: "email_domain", op: "is_null" })
    expect(parse("email_domain IS NOT NULL")).toEqual({ type: "trait", trait: "email_domain", op: "is_not_null" })
    expect(parse("tags Contains 'vip'")).toEqual({ type: "trait", trait: "tags", op: "contains", value: "vip" })
    expect(parse("country not in ('DE')")).toEqual({ type: "trait", trait: "country", op: "not_in", value: ["DE"] })
    expect(parse("consent('marketing')")).toEqual({ type: "consent", purpose: "marketing" })
    expect(parse("has_account = true Or has_account == FALSE")).toMatchObject({ type: "or" })
    expect(parse("last_seen_at >= today")).toEqual({ type: "trait", trait: "last_seen_at", op: ">=", value: { relative: "today" } })
    expect(parse("country <> 'DE'")).toMatchObject({ op: "!=" })
    expect(parse("event('x_wish').count(last 2h) BETWEEN 1 AND 3")).toMatchObject({ op: "between", value: [1, 3] })
  })

  it("binds NOT tighter than AND, and AND tighter than OR; parentheses group", () => {
    const a = "orders_count = 1"
    const b = "orders_count = 2"
    const c = "orders_count = 3"
    expect(parse(`NOT ${a} AND ${b} OR ${c}`)).toEqual({
      type: "or",
      rules: [{ type: "and", rules: [{ type: "not", rule: parse(a) }, parse(b)] }, parse(c)],
    })
    expect(parse(`${a} AND (${b} OR ${c})`)).toEqual({
      type: "and",
      rules: [parse(a), { type: "or", rules: [parse(b), parse(c)] }],
    })
  })

  it("decodes string escapes: doubled quotes, backslash escapes, double-quoted strings", () => {
    expect(parse("country = 'it''s'")).toMatchObject({ value: "it's" })
    expect(parse("country = 'it\\'s'")).toMatchObject({ value: "it's" })
    expect(parse("country = 'a\\\\b'")).toMatchObject({ value: "a\\b" })
    expect(parse('country = "say \\"hi\\""')).toMatchObject({ value: 'say "hi"' })
    expect(parse("country = 'line\\nbreak'")).toMatchObject({ value: "line\nbreak" })
  })

  it("keeps number literals exact: doubles when exact, decimal strings beyond double precision", () => {
    expect(parse("total_spent > 100.10")).toMatchObject({ value: 100.1 })
    expect(parse("total_spent > 12345678901234567.89")).toMatchObject({ value: "12345678901234567.89" })
    expect(parse("total_spent > '100.10'")).toMatchObject({ value: "100.10" })
    expect(parse("orders_count > -2")).toMatchObject({ value: -2 })
  })

  it("reports line, column and what was expected", () => {
    const r = tryParse("orders_count 3")
    expect(r).toEqual({
      ok: false,
      error: { message: "expected a comparison operator after 'orders_count' but found '3' at 1:14", line: 1, column: 14 },
    })
    const multi = tryParse("orders_count >= 3 AND\n  country IN ('DE' 'AT')")
    expect(multi.ok).toBe(false)
    if (!multi.ok) {
      expect(multi.error).toMatchObject({ line: 2, column: 20 })
      expect(multi.error.message).toContain("expected ',' or ')'")
    }
    expect(() => parse("(orders_count = 1")).toThrow(RuleSyntaxError)
    expect(() => parse("(orders_count = 1")).toThrow(/expected '\)' or AND\/OR .* at 1:18/)
    expect(() => parse("")).toThrow(/expected a condition/)
    expect(() => parse("country = 'open")).toThrow(/unterminated string starting at 1:11/)
    expect(() => parse("event('x').count(last 24h)")).toThrow(/expected a comparison operator/)
    expect(() => parse("event('x').count(last 24 AND) > 1")).toThrow(/expected a duration like 24h, 7d, 2w or 30 minutes/)
    expect(() => parse("last_order_at < 30d")).toThrow(/a past offset \(write -30d\)/)
    expect(() => parse("country = 'x' @")).toThrow(/unexpected character '@' at 1:15/)
    expect(() => parse("country = 'a\\q'")).toThrow(/unknown escape/)
    expect(tryParse("a = 1 AND\n\n   b = ")).toMatchObject({ ok: false, error: { line: 3, column: 8 } })
  })

  it("bounds nesting in hostile text instead of overflowing the stack", () => {
    expect(() => parse("(".repeat(5000) + "orders_count = 1" + ")".repeat(5000))).toThrow(/nested too deeply/)
    expect(() => parse("NOT ".repeat(5000) + "orders_count = 1")).toThrow(/nested too deeply/)
  })

  it("validateText combines syntax and catalogue errors, both with line and column", () => {
    expect(validateText("orders_count >")).toMatchObject({ ok: false, errors: [{ path: "$", line: 1, column: 15 }] })
    expect(validateText("cuntry = 'DE'")).toEqual({
      ok: false,
      errors: [{ path: "$.trait", message: "unknown trait 'cuntry' at 1:1 — did you mean country?", line: 1, column: 1 }],
    })
  })

  it("formats canonically", () => {
    const r = parse("not (a = 1 or b = 2) and (c = 3 and d = 'x') or event('y', p in (1, 2)).sum(q, last 5m) between '1.50' and 2")
    expect(format(r)).toBe(
      "NOT (a = 1 OR b = 2) AND (c = 3 AND d = 'x') OR event('y', p IN (1, 2)).sum(q, last 5m) BETWEEN '1.50' AND 2"
    )
  })

  const roundTrip = (rule: Rule) => {
    expect(validateRule(rule, testCatalog)).toEqual({ ok: true, rule })
    expect(parse(format(rule))).toEqual(rule)
  }

  it("property: parse(format(ast)) deep-equals ast for random valid ASTs (wide values)", () => {
    fc.assert(fc.property(ruleArb(testCatalog, widePools), roundTrip), { numRuns: 1000 })
  })

  it("property: parse(format(ast)) deep-equals ast for random valid ASTs (edge values)", () => {
    fc.assert(fc.property(ruleArb(testCatalog, narrowPools), roundTrip), { numRuns: 500 })
  })
})
