/**
 * Issue #17.4: errors with line:col and a did-you-mean, event types checked against the known ones, exact units
 * (weeks; no silent `M`), NOT BETWEEN and NOT IN everywhere.
 */
import { SERVER_FACT_TYPES } from "../../behaviour/types"
import { Rule } from "../ast"
import { defaultCatalog } from "../catalog"
import { evaluate } from "../evaluate"
import { BUILT_IN_EVENT_TYPES, KNOWN_EVENT_TYPES, STOREFRONT_EVENT_TYPES } from "../event-types"
import { format } from "../format"
import { parse, tryParse } from "../parser"
import { positionAt } from "../positions"
import { Subject, SubjectEvent } from "../subject"
import { editDistance, nearest } from "../suggest"
import { validateRule, validateText } from "../validate"

const NOW = new Date("2026-03-15T10:20:30.000Z")
const T = NOW.getTime()
const MIN = 60_000
const D = 86_400_000

const subject = (traits: Record<string, unknown>, events: SubjectEvent[] = []): Subject => ({ traits, events, segments: [], consent: {} })
const valid = (text: string): Rule => {
  const r = validateText(text)
  if (!r.ok) throw new Error(JSON.stringify(r.errors))
  return r.rule
}
const holds = (text: string, s: Subject) => evaluate(valid(text), s, NOW).match
const errors = (text: string, options = {}) => {
  const r = validateText(text, defaultCatalog, options)
  if (r.ok) throw new Error(`expected ${text} to be refused`)
  return r.errors
}

describe("did you mean", () => {
  it("edit distance counts a transposition as one edit", () => {
    expect(editDistance("orders_count", "ordres_count")).toBe(1)
    expect(editDistance("total_spend", "total_spent")).toBe(1)
    expect(editDistance("", "abc")).toBe(3)
    expect(editDistance("same", "same")).toBe(0)
  })

  it("suggests the nearest name within a typo's reach, ignoring case and separators; null when nothing is close", () => {
    const names = ["total_spent", "orders_count", "country", "tags"]
    expect(nearest("total_spend", names)).toBe("total_spent")
    expect(nearest("Total_Spent", names)).toBe("total_spent")
    expect(nearest("totalspent", names)).toBe("total_spent")
    expect(nearest("cuntry", names)).toBe("country")
    expect(nearest("tag", names)).toBe("tags")
    expect(nearest("shoe_size", names)).toBeNull()
    expect(nearest("xyz", names)).toBeNull()
    // Short names get one edit only: "tgz" is two away from "tags".
    expect(nearest("tgz", names)).toBeNull()
    // Ties go to the alphabetically first candidate, whatever the order given.
    expect(nearest("ab", ["ac", "aa"])).toBe("aa")
    expect(nearest("ab", ["aa", "ac"])).toBe("aa")
  })
})

describe("validation errors carry line:col", () => {
  it("names the trait's position and the nearest trait (the issue's example)", () => {
    expect(errors("total_spend > 100")).toEqual([
      { path: "$.trait", message: "unknown trait 'total_spend' at 1:1 — did you mean total_spent?", line: 1, column: 1 },
    ])
  })

  it("points into nested groups, lists, filters and windows across lines", () => {
    const lines = [
      "orders_count >= 1 AND (",
      "  country IN ('DE', 3)",
      "  OR event('prodct_viewed', price > 5).exists(last 400d)",
      ")",
    ]
    const col = (line: number, needle: string) => lines[line - 1].indexOf(needle) + 1
    const found = errors(lines.join("\n"))
    expect(found.map(({ path, line, column }) => ({ path, line, column }))).toEqual([
      { path: "$.rules[1].rules[0].value[1]", line: 2, column: col(2, "3)") },
      { path: "$.rules[1].rules[1].event", line: 3, column: col(3, "'prodct") },
      { path: "$.rules[1].rules[1].window", line: 3, column: col(3, "last 400d") },
    ])
    // Every message names the same place as its line and column.
    for (const e of found) expect(e.message).toContain(` at ${e.line}:${e.column}`)
    // A structural problem in a filter value points at the value.
    const filter = "orders_count >= 1 AND\n  event('search', q > 'x').exists(last 1d)"
    expect(errors(filter)).toEqual([
      {
        path: "$.rules[1].where[0].value",
        message: "'>' compares numbers only at 2:23",
        line: 2,
        column: "  event('search', q > 'x')".indexOf("'x'") + 1,
      },
    ])
  })

  it("structural (zod) errors get the position of the field too", () => {
    const [e] = errors(`orders_count >= 1 AND\n   country = '${"x".repeat(501)}'`)
    expect(e).toEqual({ path: "$.rules[1].value", message: "strings are limited to 500 characters at 2:14", line: 2, column: 14 })
    expect(errors("segment('Bad Handle')")[0]).toMatchObject({ path: "$.handle", line: 1, column: 9 })
    expect(errors("consent('Marketing')")[0]).toMatchObject({ path: "$.purpose", line: 1, column: 9 })
    expect(errors("event('x_a').sum(Amount, last 1d) > 1")[0]).toMatchObject({ path: "$.property", line: 1, column: 18 })
  })

  it("validateRule finds the positions of a parsed rule by itself (the API and the admin pass parse()'s result)", () => {
    const rule = parse("orders_count > 1 OR\n  total_spend > 100")
    const r = validateRule(rule)
    expect(r).toEqual({
      ok: false,
      errors: [{ path: "$.rules[1].trait", message: "unknown trait 'total_spend' at 2:3 — did you mean total_spent?", line: 2, column: 3 }],
    })
    // A copy (JSON from the API, a rule built in the admin) has no positions: same error, no line:col.
    expect(validateRule(JSON.parse(JSON.stringify(rule)))).toEqual({
      ok: false,
      errors: [{ path: "$.rules[1].trait", message: "unknown trait 'total_spend' — did you mean total_spent?" }],
    })
    // Positions live beside the AST, never in it: the parsed rule is plain JSON.
    expect(JSON.parse(JSON.stringify(rule))).toEqual(rule)
    expect(positionAt({ type: "segment", handle: "vip" }, ["handle"])).toBeUndefined()
  })

  it("valid rules still validate to the same AST (positions change nothing)", () => {
    const text = "orders_count >= 3 AND last_order_at < -30d AND NOT segment('vip')"
    expect(validateText(text)).toEqual({ ok: true, rule: parse(text) })
  })
})

describe("event types are checked against the known ones", () => {
  it("the built-in list is data: storefront types and server types", () => {
    expect(KNOWN_EVENT_TYPES).toEqual(BUILT_IN_EVENT_TYPES.map((t) => t.name))
    expect(STOREFRONT_EVENT_TYPES).toContain("product_viewed")
    expect(new Set(KNOWN_EVENT_TYPES).size).toBe(KNOWN_EVENT_TYPES.length)
    // Every fact the server records (orders, carts) is a known type a rule may name, and never a storefront type
    // (the store route accepts exactly STOREFRONT_EVENT_TYPES and x_*).
    const server = BUILT_IN_EVENT_TYPES.filter((t) => t.origin === "server").map((t) => t.name)
    expect([...server].sort()).toEqual([...SERVER_FACT_TYPES].sort())
    for (const t of SERVER_FACT_TYPES) expect(STOREFRONT_EVENT_TYPES).not.toContain(t)
    expect([...STOREFRONT_EVENT_TYPES, ...server].sort()).toEqual([...KNOWN_EVENT_TYPES].sort())
  })

  it("accepts every built-in type and any custom x_* type by default", () => {
    for (const t of KNOWN_EVENT_TYPES) expect(validateText(`event('${t}').exists(last 1d)`).ok).toBe(true)
    expect(validateText("event('x_wishlist_added').exists(last 1d)").ok).toBe(true)
  })

  it("refuses a misspelt type with the nearest known one instead of never matching", () => {
    expect(errors("event('prodct_viewed').count(last 7d) >= 1")).toEqual([
      { path: "$.event", message: "unknown event type 'prodct_viewed' at 1:7 — did you mean product_viewed?", line: 1, column: 7 },
    ])
    expect(errors("event('Product Viewed').exists(last 7d)")[0].message).toBe(
      "unknown event type 'Product Viewed' at 1:7 — did you mean product_viewed?"
    )
    expect(errors("event('order_placd').exists(last 7d)")[0].message).toMatch(/did you mean order_placed\?$/)
  })

  it("a name far from every known type lists them and says how custom types are named", () => {
    expect(errors("event('wishlist_added').exists(last 7d)")[0].message).toBe(
      "unknown event type 'wishlist_added' at 1:7 — known types: " +
        KNOWN_EVENT_TYPES.join(", ") +
        "; custom storefront types start with x_ (x_wishlist_added)"
    )
  })

  it("takes the known types as data: a caller adds the custom types declared or seen, and may require them", () => {
    const eventTypes = [...KNOWN_EVENT_TYPES, "x_wishlist_added"]
    const known = { eventTypes, customEventTypes: "known" as const }
    expect(validateText("event('x_wishlist_added').exists(last 1d)", defaultCatalog, known).ok).toBe(true)
    expect(errors("event('x_wishlist_add').exists(last 1d)", known)[0].message).toBe(
      "unknown event type 'x_wishlist_add' at 1:7 — did you mean x_wishlist_added?"
    )
    expect(errors("event('x_other').exists(last 1d)", known)[0].message).toBe(
      "unknown event type 'x_other' at 1:7 — custom types must be declared or seen first (known: x_wishlist_added)"
    )
    // "any" (the default) keeps accepting undeclared custom types, but still checks the built-in names.
    expect(validateText("event('x_other').exists(last 1d)", defaultCatalog, { eventTypes }).ok).toBe(true)
    expect(errors("event('serach').exists(last 1d)", { eventTypes })[0].message).toMatch(/did you mean search\?$/)
    // A longer list of built-ins (say, new order/cart types) is picked up without code changes.
    expect(validateText("event('order_canceled').exists(last 1d)", defaultCatalog, { eventTypes: [...eventTypes, "order_canceled"] }).ok).toBe(true)
  })
})

describe("units are exact", () => {
  it("adds weeks: w, wk, week, weeks — exactly 7 × 24 h, in windows and relative dates", () => {
    expect(parse("event('search').exists(last 2w)")).toMatchObject({ window: { amount: 2, unit: "w" } })
    expect(parse("event('search').exists(last 2 weeks)")).toMatchObject({ window: { amount: 2, unit: "w" } })
    expect(parse("event('search').exists(LAST 1 Week)")).toMatchObject({ window: { amount: 1, unit: "w" } })
    expect(parse("last_order_at < -3wk")).toMatchObject({ value: { relative: "-3w" } })
    expect(format(parse("last_order_at < -3weeks"))).toBe("last_order_at < -3w")
    const at = (ms: number) => subject({ last_order_at: new Date(T - ms) })
    // -2w is now − 14 days to the millisecond: strictly older matches.
    expect(holds("last_order_at < -2w", at(14 * D + 1))).toBe(true)
    expect(holds("last_order_at < -2w", at(14 * D))).toBe(false)
    const ev = (ms: number): SubjectEvent => ({ type: "search", properties: {}, occurred_at: new Date(T - ms) })
    // The window (now − 1w, now]: an event exactly 7 days old has just left it.
    expect(holds("event('search').exists(last 1w)", subject({}, [ev(7 * D - 1)]))).toBe(true)
    expect(holds("event('search').exists(last 1w)", subject({}, [ev(7 * D)]))).toBe(false)
  })

  it("m is minutes (as before), M is refused as ambiguous, with what to write instead", () => {
    expect(parse("last_seen_at > -15m")).toMatchObject({ value: { relative: "-15m" } })
    expect(parse("last_seen_at > -15min")).toMatchObject({ value: { relative: "-15m" } })
    expect(parse("event('search').exists(last 30 MINUTES)")).toMatchObject({ window: { amount: 30, unit: "m" } })
    expect(tryParse("last_order_at < -3M")).toEqual({
      ok: false,
      error: {
        message: "ambiguous time unit 'M' in '-3M' at 1:17 — write min (or m) for minutes; months are not a unit, use days or weeks (90d, 13w)",
        line: 1,
        column: 17,
      },
    })
    expect(() => parse("event('search').exists(last 3M)")).toThrow(/ambiguous time unit 'M' in '3M' at 1:29/)
  })

  it("months, years and seconds are not units: a clear error, never a silent other unit", () => {
    expect(() => parse("last_order_at < -3mo")).toThrow("months are not a time unit ('-3mo' at 1:17) — months differ in length; use days or weeks (90d, 13w)")
    expect(() => parse("event('search').exists(last 3 months)")).toThrow(/months are not a time unit \('3 months' at 1:31\)/)
    expect(() => parse("customer_created_at < -2y")).toThrow(/years are not a time unit .* use days \(365d\) or weeks \(52w\)/)
    expect(() => parse("event('search').exists(last 1 year)")).toThrow(/years are not a time unit/)
    expect(() => parse("last_seen_at > -30s")).toThrow(/seconds are not a time unit .* the smallest unit is minutes/)
    expect(() => parse("last_seen_at > -30q")).toThrow("unknown time unit 'q' in '-30q' at 1:16 — use m or min (minutes), h (hours), d (days) or w (weeks)")
    // JSON input: the unit is one of m, h, d, w.
    expect(validateRule({ type: "event", event: "search", measure: "exists", window: { amount: 3, unit: "M" } })).toMatchObject({
      ok: false,
      errors: [{ path: "$.window.unit", message: "a window unit is m (minutes), h, d or w (weeks)" }],
    })
    expect(validateRule({ type: "trait", trait: "last_order_at", op: "<", value: { relative: "-3M" } }).ok).toBe(false)
  })
})

describe("NOT BETWEEN and NOT IN", () => {
  it("parse and format for traits, event property filters and measures", () => {
    expect(parse("total_spent NOT BETWEEN 100 AND 200")).toEqual({ type: "trait", trait: "total_spent", op: "not_between", value: [100, 200] })
    expect(parse("last_order_at not between -30d and -7d")).toMatchObject({ op: "not_between" })
    expect(parse("country NOT IN ('DE', 'AT')")).toEqual({ type: "trait", trait: "country", op: "not_in", value: ["DE", "AT"] })
    expect(parse("event('product_viewed', category NOT IN ('socks', 'ties')).exists(last 7d)")).toMatchObject({
      where: [{ property: "category", op: "not_in", value: ["socks", "ties"] }],
    })
    // A count or sum is never NULL, so NOT BETWEEN on it is exactly NOT (… BETWEEN …).
    const measure = parse("event('search').count(last 7d) NOT BETWEEN 1 AND 3")
    expect(measure).toEqual({
      type: "not",
      rule: { type: "event", event: "search", where: [], measure: "count", window: { amount: 7, unit: "d" }, op: "between", value: [1, 3] },
    })
    for (const text of [
      "total_spent NOT BETWEEN 100 AND 200",
      "country NOT IN ('DE', 'AT')",
      "event('product_viewed', category NOT IN ('socks'), price NOT IN (1, 2)).exists(last 7d)",
      "NOT event('search').count(last 7d) BETWEEN 1 AND 3",
    ])
      expect(format(parse(text))).toBe(text)
    expect(format(measure)).toBe("NOT event('search').count(last 7d) BETWEEN 1 AND 3")
    expect(() => parse("orders_count NOT = 3")).toThrow(/expected a comparison operator after 'orders_count' but found 'NOT'/)
  })

  it("NOT BETWEEN is false for an unknown value, like NOT IN and != (two-valued semantics)", () => {
    const r = "total_spent NOT BETWEEN 100 AND 200"
    expect(holds(r, subject({ total_spent: "99.99" }))).toBe(true)
    expect(holds(r, subject({ total_spent: "100" }))).toBe(false)
    expect(holds(r, subject({ total_spent: "200.00" }))).toBe(false)
    expect(holds(r, subject({ total_spent: "200.01" }))).toBe(true)
    expect(holds(r, subject({}))).toBe(false)
    expect(holds(`NOT total_spent BETWEEN 100 AND 200`, subject({}))).toBe(true)
    // Empty range (low > high): every known value is outside it.
    expect(holds("orders_count NOT BETWEEN 5 AND 1", subject({ orders_count: 3 }))).toBe(true)
    // Day counts too.
    expect(holds("days_since_last_order NOT BETWEEN 7 AND 30", subject({ last_order_at: new Date(T - 31 * D) }))).toBe(true)
    expect(holds("days_since_last_order NOT BETWEEN 7 AND 30", subject({ last_order_at: new Date(T - 30 * D) }))).toBe(false)
    expect(holds("days_since_last_order NOT BETWEEN 7 AND 30", subject({}))).toBe(false)
  })

  it("a NOT IN property filter needs the property, of the list's type (like !=)", () => {
    const ev = (properties: Record<string, unknown>): SubjectEvent => ({ type: "product_viewed", properties, occurred_at: new Date(T - MIN) })
    const r = "event('product_viewed', category NOT IN ('socks', 'ties')).exists(last 1d)"
    expect(holds(r, subject({}, [ev({ category: "shoes" })]))).toBe(true)
    expect(holds(r, subject({}, [ev({ category: "socks" })]))).toBe(false)
    expect(holds(r, subject({}, [ev({})]))).toBe(false)
    expect(holds(r, subject({}, [ev({ category: 5 })]))).toBe(false)
    const n = "event('product_viewed', price NOT IN (10, 20)).exists(last 1d)"
    expect(holds(n, subject({}, [ev({ price: "10.00" })]))).toBe(false)
    expect(holds(n, subject({}, [ev({ price: 15 })]))).toBe(true)
    expect(holds(n, subject({}, [ev({ price: "cheap" })]))).toBe(false)
  })

  it("NOT BETWEEN takes the operators of BETWEEN: numbers, money and dates only", () => {
    expect(errors("country NOT BETWEEN 'A' AND 'C'")[0].message).toMatch(/^operator 'not_between' does not apply to string trait 'country' at 1:9/)
    expect(validateRule({ type: "trait", trait: "orders_count", op: "not_between", value: [1] })).toMatchObject({
      ok: false,
      errors: [{ path: "$.value", message: "'not_between' takes a [low, high] pair" }],
    })
  })
})
