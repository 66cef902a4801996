/**
 * evaluate(rule, subject, now) → { match, trace }. The trace mirrors the rule and is what the admin shows
 * as "why is this customer in this segment".
 *
 * Null semantics (shared with compile-sql.ts): every condition is two-valued. A comparison whose subject value
 * is NULL (missing, or of the wrong shape for the trait type) is false, for every operator except IS NULL —
 * including !=, NOT IN, NOT BETWEEN and CONTAINS. NOT simply negates, so `NOT country = 'DE'` is true for an unknown country.
 */
import {
  ComparisonOp,
  Condition,
  EventCondition,
  Rule,
  Scalar,
  TraitCondition,
  TraitOp,
  isRelative,
} from "./ast"
import { TraitCatalog, TraitDef, daysSinceBase, defaultCatalog } from "./catalog"
import { daysBetween } from "./days"
import { Decimal, Num, ZERO, addDecimal, asDecimal, compareNum, decimalToNumber, decimalToString, toDecimal, toNum } from "./decimal"
import { eventMatches, eventTime, windowBounds } from "./event-match"
import { formatCondition } from "./format"
import { segmentKey } from "./references"
import { ConsentStatus, Subject, own } from "./subject"
import { parseIsoUtc, resolveRelative } from "./time"
import { TraitValue, compareNumbers, holds, readTrait } from "./values"

export type Trace =
  | { type: "and" | "or"; pass: boolean; children: Trace[] }
  | { type: "not"; pass: boolean; child: Trace }
  | {
      type: "trait"
      pass: boolean
      /** The condition in text form, e.g. "orders_count >= 3". */
      text: string
      trait: string
      op: TraitOp
      /**
       * The subject's value as compared, or null. Same JSON type as `expected`: a number trait is a number (its
       * decimal text only if no JSON number is exact), money a decimal string, a date an ISO string.
       */
      actual: unknown
      /** The value(s) compared with, typed like `actual`, relative dates resolved; absent for IS [NOT] NULL. */
      expected?: unknown
    }
  | {
      type: "event"
      pass: boolean
      text: string
      event: string
      measure: EventCondition["measure"]
      /** count (number), sum (decimal string) or, for exists/none, the number of matching events. */
      actual: number | string
      op?: string
      /** Typed like `actual`: number(s) for a count, decimal string(s) for a sum. */
      expected?: unknown
      window: { from: string; to: string }
    }
  | { type: "segment"; pass: boolean; text: string; handle: string; actual: boolean }
  | { type: "consent"; pass: boolean; text: string; purpose: string; actual: ConsentStatus | null }

export interface Evaluation {
  match: boolean
  trace: Trace
}

export function evaluate(rule: Rule, subject: Subject, now: Date, catalog: TraitCatalog = defaultCatalog): Evaluation {
  const trace = evalNode(rule, subject, now.getTime(), catalog)
  return { match: trace.pass, trace }
}

/** Just the boolean, short-circuiting and without building a trace (used by nextChange and batch paths). */
export function matches(rule: Rule, subject: Subject, now: Date | number, catalog: TraitCatalog = defaultCatalog): boolean {
  return test(rule, subject, typeof now === "number" ? now : now.getTime(), catalog)
}

function test(rule: Rule, subject: Subject, now: number, catalog: TraitCatalog): boolean {
  switch (rule.type) {
    case "and":
      return rule.rules.every((r) => test(r, subject, now, catalog))
    case "or":
      return rule.rules.some((r) => test(r, subject, now, catalog))
    case "not":
      return !test(rule.rule, subject, now, catalog)
    default:
      return conditionHolds(rule, subject, now, catalog)
  }
}

/** One condition's result without building its trace. */
function conditionHolds(c: Condition, subject: Subject, now: number, catalog: TraitCatalog): boolean {
  switch (c.type) {
    case "trait":
      return traitHolds(c, traitValue(traitDef(catalog, c.trait), subject, now, catalog), now)
    case "event":
      return measureHolds(c, measure(c, subject, now))
    case "segment":
      return Array.isArray(subject.segments) && subject.segments.includes(segmentKey(c))
    case "consent":
      return own(subject.consent, c.purpose) === "granted"
  }
}

function evalNode(rule: Rule, subject: Subject, now: number, catalog: TraitCatalog): Trace {
  switch (rule.type) {
    case "and":
    case "or": {
      const children = rule.rules.map((r) => evalNode(r, subject, now, catalog))
      const pass = rule.type === "and" ? children.every((c) => c.pass) : children.some((c) => c.pass)
      return { type: rule.type, pass, children }
    }
    case "not": {
      const child = evalNode(rule.rule, subject, now, catalog)
      return { type: "not", pass: !child.pass, child }
    }
    default:
      return evalCondition(rule, subject, now, catalog)
  }
}

function evalCondition(c: Condition, subject: Subject, now: number, catalog: TraitCatalog): Trace {
  switch (c.type) {
    case "trait":
      return evalTrait(c, subject, now, catalog)
    case "event":
      return evalEvent(c, subject, now)
    case "segment": {
      const actual = Array.isArray(subject.segments) && subject.segments.includes(segmentKey(c))
      return { type: "segment", pass: actual, text: formatCondition(c), handle: c.handle, actual }
    }
    case "consent": {
      const status = own(subject.consent, c.purpose)
      const actual = status === "granted" || status === "denied" || status === "withdrawn" ? status : null
      return { type: "consent", pass: actual === "granted", text: formatCondition(c), purpose: c.purpose, actual }
    }
  }
}

// ---- traits ----------------------------------------------------------------------------------------------

export function traitDef(catalog: TraitCatalog, name: string): TraitDef {
  const def = catalog.get(name)
  if (!def) throw new Error(`unknown trait '${name}' (validate rules with validateRule first)`)
  return def
}

function evalTrait(c: TraitCondition, subject: Subject, now: number, catalog: TraitCatalog): Trace {
  const def = traitDef(catalog, c.trait)
  const tv = traitValue(def, subject, now, catalog)
  const pass = traitHolds(c, tv, now)
  const base = { type: "trait" as const, pass, text: formatCondition(c), trait: c.trait, op: c.op, actual: show(tv) }
  if (!("value" in c)) return base
  const expected = Array.isArray(c.value) ? c.value.map((v) => showExpected(def, v, now)) : showExpected(def, c.value, now)
  return { ...base, expected }
}

/**
 * The subject's value of a trait at `now`. A derived day count is computed from its base date trait
 * (whole days, rounded down; NULL when the date is NULL); any value stored under the derived name is ignored.
 */
export function traitValue(def: TraitDef, subject: Subject, now: number, catalog: TraitCatalog): TraitValue {
  const base = daysSinceBase(def)
  if (base === null) return readTrait(def.type, own(subject.traits, def.name))
  const t = readTrait("date", own(subject.traits, traitDef(catalog, base).name)).value as number | null
  return { type: "number", value: t === null ? null : daysBetween(t, now) }
}

/** Compares a trait value with the condition; false whenever the value is NULL (except IS NULL). */
export function traitHolds(c: TraitCondition, tv: TraitValue, now: number): boolean {
  if (c.op === "is_null") return tv.value === null
  if (c.op === "is_not_null") return tv.value !== null
  if (tv.value === null) return false

  if (tv.type === "string_list") {
    const list = tv.value
    const has = (s: Scalar) => list.some((e) => typeof e === "string" && e === s)
    if (c.op === "contains") return has(c.value)
    if (c.op === "in") return c.value.some(has)
    if (c.op === "not_in") return !c.value.some(has)
    return false
  }
  if (c.op === "contains") return typeof tv.value === "string" && tv.value.includes(c.value as string)

  const cmp = comparator(tv, now)
  if (c.op === "between") return cmp(c.value[0]) >= 0 && cmp(c.value[1]) <= 0
  if (c.op === "not_between") return !(cmp(c.value[0]) >= 0 && cmp(c.value[1]) <= 0)
  if (c.op === "in") return c.value.some((v) => cmp(v) === 0)
  if (c.op === "not_in") return !c.value.some((v) => cmp(v) === 0)
  return holds(c.op as ComparisonOp, cmp((c as { value: Scalar }).value))
}

/** Three-way comparison of the (non-null) subject value with a rule value of the same type. */
function comparator(tv: TraitValue, now: number): (v: Scalar) => -1 | 0 | 1 {
  switch (tv.type) {
    case "number":
    case "money":
      return (v) => compareNum(tv.value!, toNum(v)!)
    case "date":
      return (v) => compareNumbers(tv.value!, dateOf(v, now))
    case "string":
    case "enum":
    case "boolean":
      // Only = / != / IN apply: "not equal" is all that matters.
      return (v) => (tv.value === v ? 0 : 1)
    default:
      return () => 1
  }
}

/** A rule's date value at `now`: a relative date resolved, or an ISO literal. */
export function dateOf(v: Scalar, now: number): number {
  if (isRelative(v)) return resolveRelative(v, now)
  const t = typeof v === "string" ? parseIsoUtc(v) : null
  if (t === null) throw new Error(`invalid date value ${JSON.stringify(v)}`)
  return t
}

function show(tv: TraitValue): unknown {
  if (tv.value === null) return null
  if (tv.type === "number") return decimalToNumber(asDecimal(tv.value as Num))
  if (tv.type === "money") return decimalToString(asDecimal(tv.value as Num))
  if (tv.type === "date") return new Date(tv.value as number).toISOString()
  return tv.value
}

/** A rule value shown the way `show` shows the subject's value of the same trait type. */
function showExpected(def: TraitDef, v: Scalar, now: number): unknown {
  if (def.type === "date") return new Date(dateOf(v, now)).toISOString()
  if (def.type === "number" || def.type === "money") return showNumeric(def.type, v)
  return v
}

/** A numeric rule value: a number for counts ("number"), a decimal string for money; exact either way. */
function showNumeric(type: "number" | "money", v: Scalar): unknown {
  const n = toNum(v)
  if (n === null) return v // validated rules never get here
  return type === "money" ? decimalToString(asDecimal(n)) : decimalToNumber(asDecimal(n))
}

// ---- behavioural windows ---------------------------------------------------------------------------------

/** The window's measured value at `now`: the count, the exact sum, or (exists/none) the count. */
export function measure(c: EventCondition, subject: Subject, now: number): Decimal {
  const { from, to } = windowBounds(c, now)
  const events = Array.isArray(subject.events) ? subject.events : []
  let count = 0
  // Non-numeric amounts are skipped, and an empty window sums to 0 (SQL: COALESCE(sum(...), 0)).
  let sum = ZERO
  for (const e of events) {
    const t = eventTime(e)
    if (t === null || t <= from || t > to || !eventMatches(c, e)) continue
    count++
    if (c.measure === "sum") {
      const d = toDecimal(own(e.properties, c.property))
      if (d) sum = addDecimal(sum, d)
    }
  }
  return c.measure === "sum" ? sum : { mantissa: BigInt(count), scale: 0 }
}

export function measureHolds(c: EventCondition, m: Decimal): boolean {
  switch (c.measure) {
    case "exists":
      return m.mantissa > 0n
    case "none":
      return m.mantissa === 0n
    default:
      if (c.op === "between") {
        const [lo, hi] = c.value
        return compareNum(m, toNum(lo)!) >= 0 && compareNum(m, toNum(hi)!) <= 0
      }
      return holds(c.op, compareNum(m, toNum(c.value)!))
  }
}

function evalEvent(c: EventCondition, subject: Subject, now: number): Trace {
  const m = measure(c, subject, now)
  const { from, to } = windowBounds(c, now)
  const base = {
    type: "event" as const,
    pass: measureHolds(c, m),
    text: formatCondition(c),
    event: c.event,
    measure: c.measure,
    actual: c.measure === "sum" ? decimalToString(m) : Number(m.mantissa),
    window: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
  }
  if (c.measure === "exists" || c.measure === "none") return base
  const { op, value } = c as Extract<EventCondition, { measure: "count" }>
  const type = c.measure === "sum" ? "money" : "number"
  const expected = Array.isArray(value) ? value.map((v) => showNumeric(type, v)) : showNumeric(type, value)
  return { ...base, op, expected }
}
