import { Rule } from "../ast"
import { CatalogError, defaultCatalog, extendCatalog } from "../catalog"
import { parse } from "../parser"
import { validateRule } from "../validate"

const cond = (n: number): Rule => ({ type: "trait", trait: "orders_count", op: "=", value: n })
const errorsOf = (json: unknown, catalog = defaultCatalog) => {
  const r = validateRule(json, catalog)
  if (r.ok) throw new Error("expected validation errors")
  return r.errors
}

describe("validateRule", () => {
  it("accepts a valid rule and returns it (with defaults applied)", () => {
    const r = validateRule({ type: "event", event: "order_placed", measure: "exists", window: { amount: 30, unit: "d" } })
    expect(r).toEqual({
      ok: true,
      rule: { type: "event", event: "order_placed", where: [], measure: "exists", window: { amount: 30, unit: "d" } },
    })
  })

  it("names an unknown trait: the nearest one when it looks like a typo, else the allowed ones", () => {
    // JSON input has no text positions: path only.
    expect(errorsOf({ type: "and", rules: [cond(1), { type: "trait", trait: "ordres_count", op: ">", value: 3 }] })).toEqual([
      { path: "$.rules[1].trait", message: "unknown trait 'ordres_count' — did you mean orders_count?" },
    ])
    const [far] = errorsOf({ type: "trait", trait: "shoe_size", op: ">", value: 3 })
    expect(far.message).toMatch(/^unknown trait 'shoe_size' — allowed traits: abandonment_rate, aov, .*orders_count/)
    expect(far).not.toHaveProperty("line")
  })

  it("rejects type mismatches", () => {
    expect(errorsOf(parse("country > 3"))[0]).toEqual({
      path: "$.op",
      message: "operator '>' does not apply to string trait 'country' at 1:9 — allowed: =, !=, in, not_in, contains, is_null, is_not_null",
      line: 1,
      column: 9,
    })
    expect(errorsOf(parse("orders_count = 'three'"))[0].message).toBe(
      "number trait 'orders_count' compares with numbers, got string 'three' at 1:16 — write a number, or a decimal string like '100.10'"
    )
    expect(errorsOf(parse("has_account = 1"))[0].message).toBe("boolean trait 'has_account' compares with true or false, got number 1 at 1:15")
    expect(errorsOf(parse("country = 3"))[0].message).toBe("string trait 'country' compares with strings, got number 3 at 1:11 — quote it: '3'")
    expect(errorsOf(parse("last_order_at < 30"))[0].message).toMatch(/^date trait 'last_order_at' compares with an ISO 8601 UTC date or a relative date, got number 30 at 1:17 — write '2024-05-01'/)
    expect(errorsOf(parse("last_order_at < '-30d'"))[0].message).toMatch(/got string '-30d' at 1:17 — write -30d without quotes$/)
    expect(errorsOf(parse("last_order_at < '2024-02-30'"))[0].message).toMatch(/ISO 8601/)
    expect(errorsOf(parse("last_order_at < '2024-02-01T10:00:00+02:00'"))[0].message).toMatch(/ISO 8601/)
    expect(errorsOf(parse("country IN ('DE', 3)"))[0]).toMatchObject({ path: "$.value[1]" })
    expect(errorsOf(parse("tags > 'a'"))[0].message).toMatch(/does not apply to string_list/)
    const withEnum = extendCatalog(defaultCatalog, [{ name: "gender", type: "enum", values: ["female", "male"] }])
    expect(errorsOf(parse("gender = 'robot'"), withEnum)[0].message).toBe("'robot' is not a value of 'gender' at 1:10 — allowed: female, male")
    expect(errorsOf(parse("gender IN ('male', 'femal')"), withEnum)[0]).toEqual({
      path: "$.value[1]",
      message: "'femal' is not a value of 'gender' at 1:20 — did you mean 'female'? (allowed: female, male)",
      line: 1,
      column: 20,
    })
    expect(errorsOf({ type: "event", event: "x_a", measure: "sum", window: { amount: 1, unit: "d" }, op: ">", value: 1 })[0]).toMatchObject({
      path: "$.property",
    })
    expect(errorsOf(parse("event('x_a', p > 'a').exists(last 1d)"))[0]).toMatchObject({ path: "$.where[0].value", line: 1, column: 18 })
    expect(errorsOf(parse("event('x_a', p IN ('a', 1)).exists(last 1d)"))[0].message).toMatch(/all strings or all numbers at 1:19$/)
    expect(errorsOf(parse("event('x_a', p NOT IN ('a', 1)).exists(last 1d)"))[0].message).toMatch(/an 'not_in' list must be all strings or all numbers/)
  })

  it("enforces depth ≤ 8 with the path of the offending node", () => {
    let deep: Rule = cond(1)
    for (let i = 0; i < 7; i++) deep = { type: "not", rule: deep }
    expect(validateRule(deep).ok).toBe(true) // 8 levels
    const tooDeep = { type: "not", rule: deep }
    expect(errorsOf(tooDeep)).toEqual([{ path: "$.rule.rule.rule.rule.rule.rule.rule.rule", message: "rules nest at most 8 levels deep" }])
  })

  it("enforces ≤ 100 nodes", () => {
    const ok = { type: "and", rules: Array.from({ length: 99 }, (_, i) => cond(i)) }
    expect(validateRule(ok).ok).toBe(true)
    const big = { type: "and", rules: Array.from({ length: 100 }, (_, i) => cond(i)) }
    expect(errorsOf(big)[0].message).toBe("a rule has at most 100 nodes (conditions and groups)")
    // A hostile 100,000-deep document is rejected without recursion trouble.
    let hostile: unknown = cond(1)
    for (let i = 0; i < 100_000; i++) hostile = { type: "not", rule: hostile }
    expect(errorsOf(hostile)[0].message).toMatch(/at most/)
  })

  it("enforces string length, list length and window limits", () => {
    expect(validateRule(parse(`country = '${"x".repeat(500)}'`)).ok).toBe(true)
    expect(errorsOf(parse(`country = '${"x".repeat(501)}'`))[0]).toMatchObject({ path: "$.value", message: "strings are limited to 500 characters at 1:11" })
    const list = (n: number) => ({ type: "trait", trait: "country", op: "in", value: Array.from({ length: n }, (_, i) => `c${i}`) })
    expect(validateRule(list(1000)).ok).toBe(true)
    expect(errorsOf(list(1001))[0]).toMatchObject({ path: "$.value", message: "lists are limited to 1000 values" })
    expect(validateRule(parse("event('x_a').exists(last 365d)")).ok).toBe(true)
    expect(validateRule(parse("event('x_a').exists(last 8760h)")).ok).toBe(true)
    expect(validateRule(parse("event('x_a').exists(last 52w)")).ok).toBe(true)
    expect(errorsOf(parse("event('x_a').exists(last 366d)"))[0]).toEqual({
      path: "$.window",
      message: "window 'last 366d' is too long at 1:21 — windows are at most 365 days",
      line: 1,
      column: 21,
    })
    expect(errorsOf(parse("event('x_a').exists(last 53w)"))[0].path).toBe("$.window")
    expect(errorsOf(parse("event('x_a').exists(last 525601m)"))[0].path).toBe("$.window")
    expect(errorsOf(parse("event('x_a').exists(last 0d)"))[0]).toMatchObject({ path: "$.window.amount", line: 1, column: 26 })
    expect(errorsOf(parse("last_order_at < -36501d"))[0].message).toMatch(/^relative date -36501d reaches back too far at 1:17 — .*at most 36500 days/)
    expect(validateRule(parse("last_order_at < -5214w")).ok).toBe(true) // 36,498 days
    expect(errorsOf(parse("last_order_at < -5215w"))[0].path).toBe("$.value")
  })

  it("rejects NUL characters anywhere a string value goes (Postgres text cannot hold them)", () => {
    const nul = "a\u0000b"
    expect(errorsOf({ type: "trait", trait: "country", op: "=", value: nul })).toEqual([
      { path: "$.value", message: "NUL characters (\\u0000) are not allowed in values" },
    ])
    expect(errorsOf({ type: "trait", trait: "country", op: "in", value: ["ok", nul] })[0].path).toBe("$.value[1]")
    expect(
      errorsOf({ type: "event", event: "x_a", where: [{ property: "p", op: "=", value: nul }], measure: "exists", window: { amount: 1, unit: "d" } })[0]
        .path
    ).toBe("$.where[0].value")
    expect(errorsOf(parse("country = 'a\u0000b'"))[0].message).toMatch(/NUL/)
    expect(errorsOf({ type: "segment", handle: nul })[0].path).toBe("$.handle")
    expect(errorsOf({ type: "trait", trait: "country", op: "=", value: "\uD800" })[0].message).toMatch(/lone surrogate/)
  })

  it("rejects malformed structure with paths", () => {
    expect(errorsOf({ type: "and", rules: [cond(1)] })[0]).toMatchObject({ path: "$.rules", message: expect.stringContaining("at least 2") })
    expect(errorsOf({ type: "xor", rules: [] })[0].path).toBe("$.type")
    expect(errorsOf({ type: "trait", trait: "country", op: "=", value: "DE", extra: 1 })[0].message).toMatch(/extra/)
    expect(errorsOf({ type: "trait", trait: "country", op: "is_null", value: "DE" })[0].message).toBe("'is_null' takes no value")
    expect(errorsOf({ type: "trait", trait: "country", op: "between", value: ["a"] })[0].message).toMatch(/pair/)
    expect(errorsOf({ type: "trait", trait: "orders_count", op: "=", value: Infinity })[0].path).toBe("$.value")
    expect(errorsOf({ type: "event", event: "x_a", measure: "count", window: { amount: 1, unit: "d" } }).map((e) => e.path)).toEqual(["$.op", "$.value"])
    expect(errorsOf(null)[0].path).toBe("$")
    expect(errorsOf("orders_count > 3")[0].path).toBe("$")
  })
})

describe("extendCatalog", () => {
  it("adds merchant metadata traits stored under p.traits", () => {
    const c = extendCatalog(defaultCatalog, [{ name: "birth_date", type: "date" }, { name: "gender", type: "enum", values: ["f", "m"] }])
    expect(c.get("birth_date")).toMatchObject({ type: "date", source: { jsonb: "birth_date" } })
    expect(c.get("gender")?.values).toEqual(["f", "m"])
    expect(defaultCatalog.has("birth_date")).toBe(false)
    expect(validateRule(parse("birth_date < -6570d"), c).ok).toBe(true)
  })

  it("rejects bad declarations", () => {
    expect(() => extendCatalog(defaultCatalog, [{ name: "country", type: "string" }])).toThrow(CatalogError)
    expect(() => extendCatalog(defaultCatalog, [{ name: "x'; drop", type: "string" }])).toThrow(/must match/)
    expect(() => extendCatalog(defaultCatalog, [{ name: "today", type: "date" }])).toThrow(/reserved/)
    expect(() => extendCatalog(defaultCatalog, [{ name: "size", type: "enum" }])).toThrow(/values/)
    expect(() => extendCatalog(defaultCatalog, [{ name: "size", type: "color" as never }])).toThrow(/unknown type/)
  })
})
