/** fast-check generators of valid rules, shared by the round-trip, equivalence and nextChange tests. */
import fc from "fast-check"
import {
  ComparisonOp,
  EventCondition,
  EventWindow,
  NumericValue,
  PropertyFilter,
  RelativeDate,
  Rule,
  Scalar,
  TraitCondition,
  TraitOp,
} from "../../ast"
import { TraitCatalog, TraitDef, defaultCatalog, extendCatalog } from "../../catalog"
import { KNOWN_EVENT_TYPES } from "../../event-types"
import { OPS_BY_TYPE } from "../../validate"

/** The default catalogue plus one merchant metadata trait of every type (stored in p.traits). */
export const testCatalog: TraitCatalog = extendCatalog(defaultCatalog, [
  { name: "birth_date", type: "date" },
  { name: "gender", type: "enum", values: ["female", "male", "diverse", "it's"] },
  { name: "vip_score", type: "number" },
  { name: "lifetime_credit", type: "money" },
  { name: "newsletter", type: "boolean" },
  { name: "favourite_color", type: "string" },
])

/** Value pools: rules draw from the same small pools as the test profiles, so conditions often hit exactly. */
export interface Pools {
  number: fc.Arbitrary<NumericValue>
  string: fc.Arbitrary<string>
  isoDate: fc.Arbitrary<string>
  relative: fc.Arbitrary<RelativeDate>
  count: fc.Arbitrary<NumericValue>
  sum: fc.Arbitrary<NumericValue>
  eventType: fc.Arbitrary<string>
  property: fc.Arbitrary<string>
  handle: fc.Arbitrary<string>
  purpose: fc.Arbitrary<string>
  window: fc.Arbitrary<EventWindow>
  /** Values for derived day counts (days_since_last_order, customer_age_days); `number` when absent. */
  days?: fc.Arbitrary<NumericValue>
}

export const STRINGS = ["DE", "AT", "US", "de", "", "it's", "a\\b", "--", "; DROP TABLE x; --", "ünï", "😀", "%", "_", "vip", "electronics", "books", "female", "it's"]
export const NUMBERS: NumericValue[] = [-1, 0, 1, 2, 3, 5, 10, 0.5, 2.5, 0.3, 0.1, "0", "100.10", "100.1", "99.99", "250", "0.01", "12345678901234567.89", 100, 250]

export const narrowPools: Pools = {
  number: fc.constantFrom(...NUMBERS),
  string: fc.constantFrom(...STRINGS),
  isoDate: fc.constantFrom("2026-03-15", "2026-03-14", "2026-02-13T10:20:30Z", "2026-02-13T10:20:30.001Z", "2000-01-01", "2026-03-15T10:20:30Z", "1990-05-20"),
  relative: fc.constantFrom(...["today", "-30d", "-1d", "-48h", "-15m", "-0d", "-7d", "-1w", "-4w", "-1m", "-9000d"].map((relative) => ({ relative }))),
  count: fc.constantFrom<NumericValue>(0, 1, 2, 3, 4, "2"),
  sum: fc.constantFrom<NumericValue>(0, 10, 20.5, "100.10", 30.3, -5, "0.3", 0.3),
  eventType: fc.constantFrom("product_viewed", "order_placed", "order_canceled", "cart_line_added", "cart_item_added", "x_custom"),
  property: fc.constantFrom("category", "amount", "flag", "missing", "category_handles", "item_count"),
  handle: fc.constantFrom("vip", "churned", "b2b", "nobody"),
  purpose: fc.constantFrom("marketing", "analytics", "personalization"),
  window: fc.constantFrom<EventWindow>(
    { amount: 24, unit: "h" },
    { amount: 1, unit: "h" },
    { amount: 7, unit: "d" },
    { amount: 30, unit: "d" },
    { amount: 90, unit: "d" },
    { amount: 15, unit: "m" },
    { amount: 1, unit: "w" },
    { amount: 52, unit: "w" },
    { amount: 365, unit: "d" }
  ),
  // Around the day counts the test profiles' dates produce (0, 1, 2, 7, 30, 400, 9000 days ago, or a day ahead),
  // plus non-integers, a negative count and one far beyond any date.
  days: fc.constantFrom<NumericValue>(0, 1, 2, 6, 7, 8, 29, 30, 31, 400, 9000, 9001, -1, -2, 0.5, 29.5, "30.5", "30", 30.25, "-0.5", "12345678901234567.89", 24000, 9500),
}

const noNul = (s: string) => !s.includes("\u0000")
/** Wide pools for syntax round trips: arbitrary unicode, doubles, exact decimals, any dates. */
export const widePools: Pools = {
  number: fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.tuple(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.nat({ max: 12 })).map(([m, s]) => {
      const neg = m < 0n
      const digits = (neg ? -m : m).toString().padStart(s + 1, "0")
      const text = s ? `${digits.slice(0, -s)}.${digits.slice(-s)}` : digits
      return neg ? `-${text}` : text
    })
  ),
  string: fc.string({ unit: "binary", maxLength: 40 }).filter(noNul),
  isoDate: fc
    .date({ min: new Date("1000-01-01T00:00:00Z"), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true })
    .chain((d) => fc.constantFrom(d.toISOString(), d.toISOString().slice(0, 10), d.toISOString().slice(0, 19) + "Z")),
  relative: fc.oneof(
    fc.constant({ relative: "today" }),
    fc.tuple(fc.nat({ max: 36500 }), fc.constant("d")).map(([n, u]) => ({ relative: `-${n}${u}` })),
    fc.tuple(fc.nat({ max: 5214 }), fc.constant("w")).map(([n, u]) => ({ relative: `-${n}${u}` })),
    fc.tuple(fc.nat({ max: 800000 }), fc.constantFrom("h", "m")).map(([n, u]) => ({ relative: `-${n}${u}` }))
  ),
  count: fc.oneof(fc.nat({ max: 1000 }), fc.integer().map(String)),
  sum: fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer().map(String)),
  // Built-in types, or any custom x_* name (validateRule accepts those by default).
  eventType: fc.oneof(fc.constantFrom(...KNOWN_EVENT_TYPES), fc.stringMatching(/^x_[a-z0-9_]{1,20}$/)),
  property: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
  handle: fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/),
  purpose: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
  window: fc.oneof(
    fc.record({ amount: fc.integer({ min: 1, max: 365 }), unit: fc.constant<"d">("d") }),
    fc.record({ amount: fc.integer({ min: 1, max: 52 }), unit: fc.constant<"w">("w") }),
    fc.record({ amount: fc.integer({ min: 1, max: 8760 }), unit: fc.constant<"h">("h") }),
    fc.record({ amount: fc.integer({ min: 1, max: 525600 }), unit: fc.constant<"m">("m") })
  ),
}

const CMP: ComparisonOp[] = ["=", "!=", ">", ">=", "<", "<="]

function valueFor(def: TraitDef, p: Pools): fc.Arbitrary<Scalar> {
  if ("daysSince" in def.source && p.days) return p.days
  switch (def.type) {
    case "number":
    case "money":
      return p.number
    case "string":
    case "string_list":
      return p.string
    case "enum":
      return fc.constantFrom(...def.values!)
    case "boolean":
      return fc.boolean()
    case "date":
      return fc.oneof(p.relative, p.isoDate)
  }
}

function traitArb(catalog: TraitCatalog, p: Pools): fc.Arbitrary<TraitCondition> {
  return fc.constantFrom(...catalog.values()).chain((def) =>
    fc.constantFrom<TraitOp>(...OPS_BY_TYPE[def.type]).chain((op): fc.Arbitrary<TraitCondition> => {
      const v = valueFor(def, p)
      const base = { type: "trait" as const, trait: def.name }
      switch (op) {
        case "is_null":
        case "is_not_null":
          return fc.constant({ ...base, op })
        case "between":
        case "not_between":
          return fc.tuple(v, v).map((value) => ({ ...base, op, value }))
        case "in":
        case "not_in":
          return fc.array(v, { minLength: 1, maxLength: 4 }).map((value) => ({ ...base, op, value }))
        default:
          return v.map((value) => ({ ...base, op, value }))
      }
    })
  )
}

function filterArb(p: Pools): fc.Arbitrary<PropertyFilter> {
  return fc.oneof(
    fc.record({ property: p.property, op: fc.constantFrom<"=" | "!=">("=", "!="), value: fc.oneof(p.string, fc.boolean(), p.number.filter((n): n is number => typeof n === "number")) }),
    fc.record({ property: p.property, op: fc.constantFrom(...CMP), value: p.sum.filter((n): n is number => typeof n === "number") }),
    fc.record({ property: p.property, op: fc.constantFrom<"in" | "not_in">("in", "not_in"), value: fc.array(p.string, { minLength: 1, maxLength: 3 }) }),
    // list properties (an order's category_handles) and substrings
    fc.record({ property: p.property, op: fc.constant<"contains">("contains"), value: p.string }),
    fc.record({
      property: p.property,
      op: fc.constantFrom<"in" | "not_in">("in", "not_in"),
      value: fc.array(p.sum.filter((n): n is number => typeof n === "number"), { minLength: 1, maxLength: 3 }),
    })
  ) as fc.Arbitrary<PropertyFilter>
}

function eventArb(p: Pools): fc.Arbitrary<EventCondition> {
  const base = fc.record({
    type: fc.constant<"event">("event"),
    event: p.eventType,
    where: fc.array(filterArb(p), { maxLength: 2 }),
    window: p.window,
  })
  const cmp = (values: fc.Arbitrary<NumericValue>) =>
    fc.oneof(
      fc.record({ op: fc.constantFrom(...CMP), value: values }),
      fc.record({ op: fc.constant<"between">("between"), value: fc.tuple(values, values) })
    )
  return fc.oneof(
    fc.tuple(base, fc.constantFrom<"exists" | "none">("exists", "none")).map(([b, measure]) => ({ ...b, measure })),
    fc.tuple(base, cmp(p.count)).map(([b, c]) => ({ ...b, measure: "count" as const, ...c })),
    fc.tuple(base, p.property, cmp(p.sum)).map(([b, property, c]) => ({ ...b, measure: "sum" as const, property, ...c }))
  ) as fc.Arbitrary<EventCondition>
}

export function conditionArb(catalog: TraitCatalog, p: Pools): fc.Arbitrary<Rule> {
  return fc.oneof(
    { weight: 5, arbitrary: traitArb(catalog, p) },
    { weight: 3, arbitrary: eventArb(p) },
    { weight: 1, arbitrary: p.handle.map((handle): Rule => ({ type: "segment", handle })) },
    { weight: 1, arbitrary: p.purpose.map((purpose): Rule => ({ type: "consent", purpose })) }
  )
}

/** Random valid rules: at most 4 levels deep and 3 children per group, well inside the limits. */
export function ruleArb(catalog: TraitCatalog = testCatalog, p: Pools = narrowPools): fc.Arbitrary<Rule> {
  const { rule } = fc.letrec<{ rule: Rule }>((tie) => ({
    rule: fc.oneof(
      { maxDepth: 3, depthIdentifier: "rule" },
      { weight: 4, arbitrary: conditionArb(catalog, p) },
      fc.record({ type: fc.constant<"and">("and"), rules: fc.array(tie("rule"), { minLength: 2, maxLength: 3 }) }),
      fc.record({ type: fc.constant<"or">("or"), rules: fc.array(tie("rule"), { minLength: 2, maxLength: 3 }) }),
      fc.record({ type: fc.constant<"not">("not"), rule: tie("rule") })
    ) as fc.Arbitrary<Rule>,
  }))
  return rule
}
