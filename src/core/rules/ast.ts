/**
 * The segment rule AST. One tree, two surface forms (JSON and text, see parser.ts / format.ts).
 * Pure data: no Medusa import anywhere under src/core.
 */

export type TraitType = "number" | "money" | "string" | "string_list" | "date" | "boolean" | "enum"

export const COMPARISON_OPS = ["=", "!=", ">", ">=", "<", "<="] as const
export type ComparisonOp = (typeof COMPARISON_OPS)[number]

export const TRAIT_OPS = [
  ...COMPARISON_OPS,
  "between",
  "not_between",
  "in",
  "not_in",
  "contains",
  "is_null",
  "is_not_null",
] as const
export type TraitOp = (typeof TRAIT_OPS)[number]

/**
 * A date relative to evaluation time: `-30d`, `-2w`, `-48h`, `-15m` (minutes), or `today` (start of the current UTC
 * day). Every unit is a fixed length (1w = 7 × 24 h); there is no month or year unit.
 */
export interface RelativeDate {
  relative: string
}

/** number | decimal string (money, exact) | string | boolean | relative date. Absolute dates are ISO strings. */
export type Scalar = number | string | boolean | RelativeDate

export type TraitCondition =
  | { type: "trait"; trait: string; op: ComparisonOp | "contains"; value: Scalar }
  /** Inclusive; `not_between` is its negation on a known value (false for NULL, like `not_in`). */
  | { type: "trait"; trait: string; op: "between" | "not_between"; value: [Scalar, Scalar] }
  | { type: "trait"; trait: string; op: "in" | "not_in"; value: Scalar[] }
  | { type: "trait"; trait: string; op: "is_null" | "is_not_null" }

export const PROPERTY_OPS = [...COMPARISON_OPS, "in", "not_in", "contains"] as const
export type PropertyOp = (typeof PROPERTY_OPS)[number]

/**
 * A filter on one property of an event's `properties` object. A list property (a JSON array, e.g. an order's
 * `category_handles`) is read by its string elements: CONTAINS has the element, IN has any of, NOT IN has none of.
 */
export type PropertyFilter =
  | { property: string; op: ComparisonOp; value: string | number | boolean }
  | { property: string; op: "in" | "not_in"; value: string[] | number[] }
  | { property: string; op: "contains"; value: string }

/** Minutes, hours, days, weeks: fixed lengths (UNIT_MS). `m` is always minutes; months are not a unit. */
export type WindowUnit = "m" | "h" | "d" | "w"
/** "the last N minutes/hours/days/weeks": events with occurred_at in (now - N, now]. */
export interface EventWindow {
  amount: number
  unit: WindowUnit
}

/** A number literal, or a decimal string for exact values beyond double precision ("100.10"). */
export type NumericValue = number | string

interface EventBase {
  type: "event"
  event: string
  where: PropertyFilter[]
  window: EventWindow
}
export type MeasureOp = ComparisonOp | "between"
export type EventCondition =
  /** exists: at least one such event in the window; none: no such event in the window. */
  | (EventBase & { measure: "exists" | "none" })
  | (EventBase & { measure: "count"; op: ComparisonOp; value: NumericValue })
  | (EventBase & { measure: "count"; op: "between"; value: [NumericValue, NumericValue] })
  | (EventBase & { measure: "sum"; property: string; op: ComparisonOp; value: NumericValue })
  | (EventBase & { measure: "sum"; property: string; op: "between"; value: [NumericValue, NumericValue] })

/**
 * The subject currently has an open membership in the segment. As written it names the segment's handle; as stored it
 * also carries the segment's id, which is then what it means (the handle is a label kept current on rename; see
 * references.ts).
 */
export interface SegmentCondition {
  type: "segment"
  handle: string
  id?: string
}

/** The subject's consent for this purpose is "granted". */
export interface ConsentCondition {
  type: "consent"
  purpose: string
}

export type Condition = TraitCondition | EventCondition | SegmentCondition | ConsentCondition

export interface AndRule {
  type: "and"
  rules: Rule[]
}
export interface OrRule {
  type: "or"
  rules: Rule[]
}
export interface NotRule {
  type: "not"
  rule: Rule
}

export type Rule = AndRule | OrRule | NotRule | Condition

export const LIMITS = {
  maxDepth: 8,
  maxNodes: 100,
  maxStringLength: 500,
  maxListLength: 1000,
  maxWindowDays: 365,
  maxFilters: 20,
  /** Relative dates may reach further back than windows (e.g. "customer for 2 years"): 100 years. */
  maxRelativeDays: 36500,
} as const

/** Built-in event types (the list is data in event-types.ts); custom storefront types are x_*. */
export { KNOWN_EVENT_TYPES } from "./event-types"

/** Event types, property names, jsonb trait keys, consent purposes. */
export const NAME_RE = /^[a-z][a-z0-9_]{0,63}$/
/** Segment handles (kebab or snake case). */
export const HANDLE_RE = /^[a-z0-9][a-z0-9_-]{0,99}$/
export const RELATIVE_RE = /^(?:today|-(\d{1,8})([mhdw]))$/
/** Decimal strings accepted wherever a number is (no exponent, no leading +). */
export const DECIMAL_RE = /^-?\d+(?:\.\d+)?$/

export const UNIT_MS: Record<WindowUnit, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
export const DAY_MS = UNIT_MS.d

export function windowMs(w: EventWindow): number {
  return w.amount * UNIT_MS[w.unit]
}

export function isRelative(v: unknown): v is RelativeDate {
  return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as RelativeDate).relative === "string"
}

export function isGroup(r: Rule): r is AndRule | OrRule {
  return r.type === "and" || r.type === "or"
}

/** Visit every node, parents first. */
export function walk(rule: Rule, visit: (node: Rule) => void): void {
  visit(rule)
  if (rule.type === "and" || rule.type === "or") for (const c of rule.rules) walk(c, visit)
  else if (rule.type === "not") walk(rule.rule, visit)
}
