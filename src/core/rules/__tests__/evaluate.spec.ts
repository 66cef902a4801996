import { Rule } from "../ast"
import { extendCatalog, defaultCatalog } from "../catalog"
import { evaluate, matches } from "../evaluate"
import { parse } from "../parser"
import { Subject, SubjectEvent } from "../subject"
import { validateRule } from "../validate"

const NOW = new Date("2026-03-15T10:20:30.000Z")
const T = NOW.getTime()
const H = 3_600_000
const D = 24 * H
const catalog = extendCatalog(defaultCatalog, [
  { name: "birth_date", type: "date" },
  { name: "gender", type: "enum", values: ["female", "male"] },
  { name: "credit", type: "money" },
])

const subject = (traits: Record<string, unknown>, extra: Partial<Subject> = {}): Subject => ({
  traits,
  events: [],
  segments: [],
  consent: {},
  ...extra,
})
const rule = (text: string): Rule => {
  const v = validateRule(parse(text), catalog)
  if (!v.ok) throw new Error(JSON.stringify(v.errors))
  return v.rule
}
const check = (text: string, s: Subject, now = NOW) => evaluate(rule(text), s, now, catalog).match

describe("evaluate: number and money traits", () => {
  const s = subject({ orders_count: 3, total_spent: "100.10", aov: 0.3 })
  it.each([
    ["orders_count = 3", true],
    ["orders_count != 3", false],
    ["orders_count > 3", false],
    ["orders_count >= 3", true],
    ["orders_count < 3", false],
    ["orders_count <= 3", true],
    ["orders_count BETWEEN 3 AND 5", true],
    ["orders_count BETWEEN 4 AND 5", false],
    ["orders_count BETWEEN 5 AND 3", false],
    ["orders_count IN (1, 2, 3)", true],
    ["orders_count NOT IN (1, 2, 3)", false],
    ["orders_count IS NULL", false],
    ["orders_count IS NOT NULL", true],
    ["total_spent = 100.1", true],
    ["total_spent = '100.100'", true],
    ["total_spent > '100.09'", true],
    ["total_spent > 100.1", false],
    ["aov = 0.3", true],
  ])("%s → %s", (text, expected) => {
    expect(check(text, s)).toBe(expected)
  })

  it("compares money exactly, without binary floating point", () => {
    // 0.1 + 0.2 !== 0.3 in floats; the event sum must still equal exactly 0.3.
    const ev = (amount: unknown): SubjectEvent => ({ type: "order_placed", properties: { amount }, occurred_at: new Date(T - H) })
    const withEvents = subject({}, { events: [ev(0.1), ev(0.2), ev("abc"), ev(null)] })
    expect(check("event('order_placed').sum(amount, last 1d) = 0.3", withEvents)).toBe(true)
    const big = subject({ total_spent: "12345678901234567.89" })
    expect(check("total_spent > 12345678901234567.88", big)).toBe(true)
    expect(check("total_spent < 12345678901234567.90", big)).toBe(true)
    expect(check("total_spent = 12345678901234567.89", big)).toBe(true)
  })
})

describe("evaluate: null semantics", () => {
  const empty = subject({ country: null })
  it.each([
    ["country = 'DE'", false],
    ["country != 'DE'", false],
    ["NOT country = 'DE'", true],
    ["country IN ('DE')", false],
    ["country NOT IN ('DE')", false],
    ["NOT country IN ('DE')", true],
    ["country CONTAINS 'D'", false],
    ["country IS NULL", true],
    ["country IS NOT NULL", false],
    ["orders_count >= 0", false],
    ["last_order_at < -30d", false],
    ["NOT last_order_at < -30d", true],
    ["tags CONTAINS 'vip'", false],
    ["tags NOT IN ('vip')", false],
    ["tags IS NULL", true],
    ["has_account = false", false],
    ["has_account != true", false],
  ])("%s on a missing value → %s", (text, expected) => {
    expect(check(text, empty)).toBe(expected)
  })

  it("treats a value of the wrong shape as null", () => {
    expect(check("orders_count IS NULL", subject({ orders_count: "three" }))).toBe(true)
    expect(check("country IS NULL", subject({ country: 49 }))).toBe(true)
    expect(check("tags IS NULL", subject({ tags: "vip" }))).toBe(true)
    expect(check("last_seen_at IS NULL", subject({ last_seen_at: "yesterday" }))).toBe(true)
    expect(check("has_account IS NULL", subject({ has_account: "true" }))).toBe(true)
  })

  it("never reads inherited properties", () => {
    expect(check("consent('constructor')", subject({}))).toBe(false)
    expect(check("country IS NULL", subject({}))).toBe(true)
  })
})

describe("evaluate: strings, enums, lists, booleans", () => {
  const s = subject({
    country: "DE",
    email_domain: "example.com",
    tags: ["vip", 5, ["nested"]],
    has_account: true,
    gender: "female",
  })
  it.each([
    ["country = 'DE'", true],
    ["country = 'de'", false],
    ["country != 'AT'", true],
    ["country IN ('AT', 'DE')", true],
    ["email_domain CONTAINS 'ample'", true],
    ["email_domain CONTAINS 'AMPLE'", false],
    ["tags CONTAINS 'vip'", true],
    ["tags CONTAINS '5'", false],
    ["tags CONTAINS 'nested'", false],
    ["tags IN ('x', 'vip')", true],
    ["tags NOT IN ('x', 'y')", true],
    ["tags NOT IN ('vip')", false],
    ["has_account = true", true],
    ["has_account != true", false],
    ["gender = 'female'", true],
    ["gender NOT IN ('male')", true],
  ])("%s → %s", (text, expected) => {
    expect(check(text, s)).toBe(expected)
  })
})

describe("evaluate: dates (UTC)", () => {
  const x = new Date(T - 30 * D) // exactly 30 days before now
  it("compares relative dates at the exact millisecond", () => {
    expect(check("last_order_at < -30d", subject({ last_order_at: x }))).toBe(false)
    expect(check("last_order_at <= -30d", subject({ last_order_at: x }))).toBe(true)
    expect(check("last_order_at < -30d", subject({ last_order_at: new Date(x.getTime() - 1) }))).toBe(true)
    expect(check("last_order_at = -30d", subject({ last_order_at: x }))).toBe(true)
    expect(check("last_order_at < -720h", subject({ last_order_at: new Date(x.getTime() - 1) }))).toBe(true)
    expect(check("last_seen_at >= -15m", subject({ last_seen_at: new Date(T - 15 * 60_000) }))).toBe(true)
    expect(check("last_seen_at > -15m", subject({ last_seen_at: new Date(T - 15 * 60_000) }))).toBe(false)
  })

  it("today is the start of the current UTC day", () => {
    const midnight = new Date("2026-03-15T00:00:00.000Z")
    expect(check("last_seen_at >= today", subject({ last_seen_at: midnight }))).toBe(true)
    expect(check("last_seen_at >= today", subject({ last_seen_at: new Date(midnight.getTime() - 1) }))).toBe(false)
    expect(check("last_seen_at = today", subject({ last_seen_at: midnight }))).toBe(true)
    // Just before midnight the same instant is "today" no more:
    expect(check("last_seen_at >= today", subject({ last_seen_at: midnight }), new Date("2026-03-16T00:00:00Z"))).toBe(false)
  })

  it("accepts absolute ISO dates and ISO strings in jsonb traits", () => {
    expect(check("birth_date < '2000-01-01'", subject({ birth_date: "1990-05-20" }))).toBe(true)
    expect(check("birth_date = '1990-05-20T00:00:00Z'", subject({ birth_date: "1990-05-20" }))).toBe(true)
    expect(check("birth_date = '1990-05-20T00:00:00.001Z'", subject({ birth_date: "1990-05-20T00:00:00.001Z" }))).toBe(true)
    expect(check("birth_date IS NULL", subject({ birth_date: "1990-05-20T00:00:00+02:00" }))).toBe(true)
    // Day overflow rolls over like Date.UTC (and like the SQL): 2023-02-30 is 2023-03-02.
    expect(check("birth_date = '2023-03-02'", subject({ birth_date: "2023-02-30" }))).toBe(true)
    expect(check("first_order_at BETWEEN '2026-01-01' AND '2026-12-31T23:59:59.999Z'", subject({ first_order_at: new Date("2026-06-01T12:00:00Z") }))).toBe(true)
  })
})

describe("evaluate: derived day counts (days_since_last_order, customer_age_days)", () => {
  const last = T - 30 * D // exactly 30 days before NOW
  const s = subject({ last_order_at: new Date(last), customer_created_at: "2026-03-09T10:20:30.001Z" })
  it.each([
    // 30 days to the millisecond: the count is 30
    ["days_since_last_order = 30", true],
    ["days_since_last_order >= 30", true],
    ["days_since_last_order > 29.5", true],
    ["days_since_last_order < 30", false],
    ["days_since_last_order <= 30", true],
    ["days_since_last_order = 30.5", false],
    ["days_since_last_order != 30.5", true],
    ["days_since_last_order BETWEEN 29.5 AND 30", true],
    ["days_since_last_order IN (1, 30.0)", true],
    ["days_since_last_order NOT IN (30)", false],
    ["days_since_last_order IS NOT NULL", true],
    // 6 days minus 1 ms: still 5 whole days
    ["customer_age_days = 5", true],
    ["customer_age_days < 7", true],
    ["customer_age_days >= 6", false],
  ])("%s → %s", (text, expected) => {
    expect(check(text, s)).toBe(expected)
  })

  it("steps at the exact millisecond the day completes", () => {
    expect(check("days_since_last_order >= 31", s, new Date(T + D - 1))).toBe(false)
    expect(check("days_since_last_order >= 31", s, new Date(T + D))).toBe(true)
    // a date in the future counts negative days
    expect(check("days_since_last_order = -1", subject({ last_order_at: new Date(T + 1) }))).toBe(true)
  })

  it("is NULL without the base date: every comparison false, IS NULL true; a stored value under the name is ignored", () => {
    const none = subject({ last_order_at: null, days_since_last_order: 3 })
    expect(check("days_since_last_order = 3", none)).toBe(false)
    expect(check("days_since_last_order != 3", none)).toBe(false)
    expect(check("days_since_last_order NOT IN (3)", none)).toBe(false)
    expect(check("days_since_last_order IS NULL", none)).toBe(true)
    expect(check("NOT days_since_last_order >= 0", none)).toBe(true)
  })

  it("the trace shows the customer's day count as the value", () => {
    const { trace } = evaluate(rule("days_since_last_order < 30"), s, NOW, catalog)
    expect(trace).toEqual({
      type: "trait",
      pass: false,
      text: "days_since_last_order < 30",
      trait: "days_since_last_order",
      op: "<",
      actual: 30,
      expected: 30,
    })
  })
})

describe("evaluate: behavioural windows", () => {
  const ev = (type: string, ago: number, properties: Record<string, unknown> = {}): SubjectEvent => ({
    type,
    properties,
    occurred_at: new Date(T - ago),
  })
  it("counts events in (now - N, now]: an event exactly N old is out, one at now is in", () => {
    const s = subject({}, { events: [ev("product_viewed", 24 * H), ev("product_viewed", 24 * H - 1), ev("product_viewed", 0)] })
    expect(evaluate(rule("event('product_viewed').count(last 24h) = 2"), s, NOW, catalog).match).toBe(true)
    expect(check("event('product_viewed').count(last 1d) >= 3", s)).toBe(false)
    const future = subject({}, { events: [ev("product_viewed", -1)] })
    expect(check("event('product_viewed').exists(last 24h)", future)).toBe(false)
  })

  it("applies property filters with type-strict semantics", () => {
    const s = subject({}, {
      events: [
        ev("product_viewed", H, { category: "electronics", price: 10 }),
        ev("product_viewed", H, { category: "books", price: "12.50" }),
        ev("product_viewed", H, { price: 99 }),
        ev("product_viewed", H, { category: 5, flag: true }),
      ],
    })
    const count = (filters: string) => {
      for (let n = 0; n <= 4; n++) if (check(`event('product_viewed'${filters}).count(last 2h) = ${n}`, s)) return n
      return -1
    }
    expect(count(", category = 'electronics'")).toBe(1)
    expect(count(", category != 'electronics'")).toBe(1) // missing and non-string categories fail != too
    expect(count(", category IN ('books', 'electronics')")).toBe(2)
    expect(count(", price > 10")).toBe(2) // "12.50" is numeric, 10 is not > 10
    expect(count(", price >= 10, price < 50")).toBe(2)
    expect(count(", price IN (10, 99)")).toBe(2)
    expect(count(", flag = true")).toBe(1)
    expect(count("")).toBe(4)
  })

  it("exists, none and NOT exists", () => {
    const s = subject({}, { events: [ev("order_placed", 89 * D)] })
    expect(check("event('order_placed').exists(last 90d)", s)).toBe(true)
    expect(check("event('order_placed').none(last 30d)", s)).toBe(true)
    expect(check("NOT event('order_placed').exists(last 30d)", s)).toBe(true)
    expect(check("event('order_placed').none(last 90d)", s)).toBe(false)
  })

  it("sums an empty window to 0", () => {
    expect(check("event('order_placed').sum(amount, last 7d) = 0", subject({}))).toBe(true)
    expect(check("event('order_placed').sum(amount, last 7d) < 100", subject({}))).toBe(true)
  })
})

describe("evaluate: segments, consent and the trace", () => {
  it("reads memberships and consent", () => {
    const s = subject({}, { segments: ["vip"], consent: { marketing: "granted", analytics: "withdrawn" } })
    expect(check("segment('vip')", s)).toBe(true)
    expect(check("segment('churned')", s)).toBe(false)
    expect(check("consent('marketing')", s)).toBe(true)
    expect(check("consent('analytics')", s)).toBe(false)
    expect(check("consent('personalization')", s)).toBe(false)
  })

  it("returns a trace that mirrors the rule with actual and expected values", () => {
    const s = subject(
      { orders_count: 4, last_order_at: new Date(T - 40 * D), country: null },
      { events: [{ type: "product_viewed", properties: { category: "electronics" }, occurred_at: new Date(T - H) }], consent: { marketing: "denied" } }
    )
    const r = evaluate(
      rule("orders_count >= 3 AND (last_order_at < -30d OR country = 'DE') AND NOT segment('vip') AND event('product_viewed', category = 'electronics').count(last 24h) >= 1 AND consent('marketing')"),
      s,
      NOW,
      catalog
    )
    expect(r.match).toBe(false)
    expect(r.trace).toEqual({
      type: "and",
      pass: false,
      children: [
        { type: "trait", pass: true, text: "orders_count >= 3", trait: "orders_count", op: ">=", actual: 4, expected: 3 },
        {
          type: "or",
          pass: true,
          children: [
            {
              type: "trait",
              pass: true,
              text: "last_order_at < -30d",
              trait: "last_order_at",
              op: "<",
              actual: "2026-02-03T10:20:30.000Z",
              expected: "2026-02-13T10:20:30.000Z",
            },
            { type: "trait", pass: false, text: "country = 'DE'", trait: "country", op: "=", actual: null, expected: "DE" },
          ],
        },
        { type: "not", pass: true, child: { type: "segment", pass: false, text: "segment('vip')", handle: "vip", actual: false } },
        {
          type: "event",
          pass: true,
          text: "event('product_viewed', category = 'electronics').count(last 24h) >= 1",
          event: "product_viewed",
          measure: "count",
          actual: 1,
          op: ">=",
          expected: 1,
          window: { from: "2026-03-14T10:20:30.000Z", to: "2026-03-15T10:20:30.000Z" },
        },
        { type: "consent", pass: false, text: "consent('marketing')", purpose: "marketing", actual: "denied" },
      ],
    })
    expect(matches(rule("orders_count >= 3"), s, NOW, catalog)).toBe(true)
  })
})

describe("evaluate: the trace's actual and expected have the same JSON type", () => {
  const leaf = (text: string, s: Subject) => evaluate(rule(text), s, NOW, catalog).trace as { actual: unknown; expected?: unknown }
  const ev = (amount: unknown): SubjectEvent => ({ type: "order_placed", properties: { amount }, occurred_at: new Date(T - H) })

  it("counts are numbers on both sides, whether stored as a number or as decimal text", () => {
    expect(leaf("orders_count >= 2", subject({ orders_count: 2 }))).toMatchObject({ actual: 2, expected: 2 })
    expect(leaf("orders_count >= 2", subject({ orders_count: "2" }))).toMatchObject({ actual: 2, expected: 2 })
    expect(leaf("orders_count IN (1, 2)", subject({ orders_count: "2" }))).toMatchObject({ actual: 2, expected: [1, 2] })
    expect(leaf("orders_count between 1 and 3", subject({ orders_count: 2 }))).toMatchObject({ actual: 2, expected: [1, 3] })
    expect(leaf("abandonment_rate > 0.5", subject({ abandonment_rate: "0.75" }))).toMatchObject({ actual: 0.75, expected: 0.5 })
    expect(leaf("event('order_placed').count(last 1d) >= 1", subject({}, { events: [ev(1)] }))).toMatchObject({ actual: 1, expected: 1 })
  })

  it("a number no JSON number holds exactly stays decimal text, never rounded", () => {
    // 2^53 + 1 and a 20-digit fraction have no exact double: the trace keeps the digits on both sides
    expect(leaf("orders_count >= 9007199254740993", subject({ orders_count: "9007199254740993" }))).toMatchObject({
      actual: "9007199254740993",
      expected: "9007199254740993",
    })
    expect(leaf("abandonment_rate < 0.12345678901234567891", subject({ abandonment_rate: "0.1" }))).toMatchObject({
      actual: 0.1,
      expected: "0.12345678901234567891",
    })
  })

  it("money is decimal text on both sides, exact", () => {
    expect(leaf("total_spent >= 500", subject({ total_spent: "100.10" }))).toMatchObject({ actual: "100.1", expected: "500" })
    expect(leaf("total_spent >= 0.1", subject({ total_spent: 0.3 }))).toMatchObject({ actual: "0.3", expected: "0.1" })
    expect(leaf("credit between 10.05 and 20", subject({ credit: "12345678901234567.01" }))).toMatchObject({
      actual: "12345678901234567.01",
      expected: ["10.05", "20"],
    })
    const sum = leaf("event('order_placed').sum(amount, last 1d) >= 100", subject({}, { events: [ev("60.10"), ev(0.2)] }))
    expect(sum).toMatchObject({ actual: "60.3", expected: "100" })
  })
})
