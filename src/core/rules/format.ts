/**
 * Canonical text form of a rule. parse(format(rule)) deep-equals rule for every valid rule (property-tested).
 */
import { Condition, EventCondition, PropertyFilter, Rule, Scalar, TraitCondition, isRelative } from "./ast"

export function format(rule: Rule): string {
  switch (rule.type) {
    case "or":
      // A nested OR keeps its parentheses so the tree shape survives a round trip.
      return rule.rules.map((r) => (r.type === "or" ? `(${format(r)})` : format(r))).join(" OR ")
    case "and":
      return rule.rules.map((r) => (r.type === "or" || r.type === "and" ? `(${format(r)})` : format(r))).join(" AND ")
    case "not":
      return `NOT ${rule.rule.type === "or" || rule.rule.type === "and" ? `(${format(rule.rule)})` : format(rule.rule)}`
    default:
      return formatCondition(rule)
  }
}

export function formatCondition(c: Condition): string {
  switch (c.type) {
    case "trait":
      return formatTrait(c)
    case "event":
      return formatEvent(c)
    case "segment":
      return `segment(${quote(c.handle)})`
    case "consent":
      return `consent(${quote(c.purpose)})`
  }
}

function formatTrait(c: TraitCondition): string {
  switch (c.op) {
    case "is_null":
      return `${c.trait} IS NULL`
    case "is_not_null":
      return `${c.trait} IS NOT NULL`
    case "between":
      return `${c.trait} BETWEEN ${formatValue(c.value[0])} AND ${formatValue(c.value[1])}`
    case "not_between":
      return `${c.trait} NOT BETWEEN ${formatValue(c.value[0])} AND ${formatValue(c.value[1])}`
    case "in":
      return `${c.trait} IN (${c.value.map(formatValue).join(", ")})`
    case "not_in":
      return `${c.trait} NOT IN (${c.value.map(formatValue).join(", ")})`
    case "contains":
      return `${c.trait} CONTAINS ${formatValue(c.value)}`
    default:
      return `${c.trait} ${c.op} ${formatValue(c.value)}`
  }
}

function formatEvent(c: EventCondition): string {
  const args = [quote(c.event), ...c.where.map(formatFilter)].join(", ")
  const window = `last ${c.window.amount}${c.window.unit}`
  const head = `event(${args})`
  switch (c.measure) {
    case "exists":
    case "none":
      return `${head}.${c.measure}(${window})`
    case "count":
    case "sum": {
      const call = c.measure === "sum" ? `sum(${c.property}, ${window})` : `count(${window})`
      const cmp =
        c.op === "between"
          ? `BETWEEN ${formatValue(c.value[0])} AND ${formatValue(c.value[1])}`
          : `${c.op} ${formatValue(c.value)}`
      return `${head}.${call} ${cmp}`
    }
  }
}

function formatFilter(f: PropertyFilter): string {
  if (f.op === "in" || f.op === "not_in")
    return `${f.property} ${f.op === "in" ? "IN" : "NOT IN"} (${(f.value as (string | number)[]).map(formatValue).join(", ")})`
  if (f.op === "contains") return `${f.property} CONTAINS ${formatValue(f.value)}`
  return `${f.property} ${f.op} ${formatValue(f.value as string | number | boolean)}`
}

export function formatValue(v: Scalar): string {
  if (isRelative(v)) return v.relative
  if (typeof v === "string") return quote(v)
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE"
  return Object.is(v, -0) ? "-0" : String(v)
}

/** Single-quoted; backslashes and quotes escaped so any string survives a round trip. */
export function quote(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "''")}'`
}
