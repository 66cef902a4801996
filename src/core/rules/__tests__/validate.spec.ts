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

  it("names an unknown trait and lists the allowed ones", () => {
    const [e] = errorsOf({ type: "and", rules: [cond(1), { type: "trait", trait: "ordres_count", op: ">", value: 3 }] })
    expect(e.path).toBe("$.rules[1].trait")
    expect(e.message).toContain("unknown trait 'ordres_count'")
    expect(e.message).toContain("allowed traits: abandonment_rate, aov,")
    expect(e.message).toContain("orders_count")
  })

  it("names an unknown event type when a list of event types is enforced", () => {
    const r = validateRule(parse("event('prodct_viewed').exists(last 1d)"), defaultCatalog, { eventTypes: ["product_viewed", "order_placed"] })
    expect(r).toEqual({
      ok: false,
      errors: [{ path: "$.event", message: "unknown event type 'prodct_viewed'; allowed: product_viewed, order_placed or a custom x_* type" }],
    })
    expect(validateRule(parse("event('x_wishlist').exists(last 1d)"), defaultCatalog, { eventTypes: ["order_placed"] }).ok).toBe(true)
    expect(errorsOf({ type: "event", event: "Product Viewed", measure: "exists", window: { amount: 1, unit: "d" } })[0]).toMatchObject({
      path: "$.event",
      message: expect.stringContaining("event types must match"),
    })
  })

  it("rejects type mismatches", () => {
    expect(errorsOf(parse("country > 3"))[0]).toEqual({
      path: "$.op",
      message: "operator '>' does not apply to string trait 'country' (allowed: =, !=, in, not_in, contains, is_null, is_not_null)",
    })
    expect(errorsOf(parse("orders_count = 'three'"))[0].message).toMatch(/number trait 'orders_count' compares with numbers/)
    expect(errorsOf(parse("has_account = 1"))[0].message).toMatch(/boolean trait 'has_account' compares with true or false/)
    expect(errorsOf(parse("last_order_at < 30"))[0].message).toMatch(/date trait 'last_order_at' compares with an ISO 8601 UTC date/)
    expect(errorsOf(parse("last_order_at < '2024-02-30'"))[0].message).toMatch(/ISO 8601/)
    expect(errorsOf(parse("last_order_at < '2024-02-01T10:00:00+02:00'"))[0].message).toMatch(/ISO 8601/)
    expect(errorsOf(parse("country IN ('DE', 3)"))[0]).toMatchObject({ path: "$.value[1]" })
    expect(errorsOf(parse("tags > 'a'"))[0].message).toMatch(/does not apply to string_list/)
    const withEnum = extendCatalog(defaultCatalog, [{ name: "gender", type: "enum", values: ["female", "male"] }])
    expect(errorsOf(parse("gender = 'robot'"), withEnum)[0].message).toBe("'robot' is not a value of 'gender' (allowed: female, male)")
    expect(errorsOf({ type: "event", event: "x", measure: "sum", window: { amount: 1, unit: "d" }, op: ">", value: 1 })[0]).toMatchObject({
      path: "$.property",
    })
    expect(errorsOf(parse("event('x', p > 'a').exists(last 1d)"))[0]).toMatchObject({ path: "$.where[0].value" })
    expect(errorsOf(parse("event('x', p IN ('a', 1)).exists(last 1d)"))[0].message).toMatch(/all strings or all numbers/)
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
    expect(errorsOf(parse(`country = '${"x".repeat(501)}'`))[0]).toMatchObject({ path: "$.value", message: "strings are limited to 500 characters" })
    const list = (n: number) => ({ type: "trait", trait: "country", op: "in", value: Array.from({ length: n }, (_, i) => `c${i}`) })
    expect(validateRule(list(1000)).ok).toBe(true)
    expect(errorsOf(list(1001))[0]).toMatchObject({ path: "$.value", message: "lists are limited to 1000 values" })
    expect(validateRule(parse("event('x').exists(last 365d)")).ok).toBe(true)
    expect(validateRule(parse("event('x').exists(last 8760h)")).ok).toBe(true)
    expect(errorsOf(parse("event('x').exists(last 366d)"))[0]).toEqual({ path: "$.window", message: "windows are at most 365 days" })
    expect(errorsOf(parse("event('x').exists(last 525601m)"))[0].path).toBe("$.window")
    expect(errorsOf(parse("event('x').exists(last 0d)"))[0].path).toBe("$.window.amount")
    expect(errorsOf(parse("last_order_at < -36501d"))[0].message).toMatch(/at most 36500 days/)
  })

  it("rejects NUL characters anywhere a string value goes (Postgres text cannot hold them)", () => {
    const nul = "a\u0000b"
    expect(errorsOf({ type: "trait", trait: "country", op: "=", value: nul })).toEqual([
      { path: "$.value", message: "NUL characters (\\u0000) are not allowed in values" },
    ])
    expect(errorsOf({ type: "trait", trait: "country", op: "in", value: ["ok", nul] })[0].path).toBe("$.value[1]")
    expect(
      errorsOf({ type: "event", event: "x", where: [{ property: "p", op: "=", value: nul }], measure: "exists", window: { amount: 1, unit: "d" } })[0]
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
    expect(errorsOf({ type: "event", event: "x", measure: "count", window: { amount: 1, unit: "d" } }).map((e) => e.path)).toEqual(["$.op", "$.value"])
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
