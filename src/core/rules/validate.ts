/**
 * validateRule: structural (zod) + catalogue checks. Every error carries a JSON path like `$.rules[1].value`.
 */
import {
  Condition,
  DAY_MS,
  EventCondition,
  LIMITS,
  NAME_RE,
  Rule,
  Scalar,
  TraitCondition,
  TraitOp,
  TraitType,
  isRelative,
  windowMs,
} from "./ast"
import { TraitCatalog, TraitDef, defaultCatalog } from "./catalog"
import { ruleSchema } from "./schema"
import { isStrictIsoUtc, relativeOffsetMs } from "./time"
import { DECIMAL_RE } from "./ast"
import { tryParse } from "./parser"

export interface ValidationError {
  path: string
  message: string
  /** For errors in rule text (validateText): where in the text. */
  line?: number
  column?: number
}
export type ValidationResult = { ok: true; rule: Rule } | { ok: false; errors: ValidationError[] }

export interface ValidateOptions {
  /**
   * When given, event types must be one of these (or a custom `x_*` type). By default any name matching
   * NAME_RE is accepted, since storefronts may send their own event types.
   */
  eventTypes?: readonly string[]
}

export { KNOWN_EVENT_TYPES } from "./ast"

export const OPS_BY_TYPE: Record<TraitType, readonly TraitOp[]> = {
  number: ["=", "!=", ">", ">=", "<", "<=", "between", "in", "not_in", "is_null", "is_not_null"],
  money: ["=", "!=", ">", ">=", "<", "<=", "between", "in", "not_in", "is_null", "is_not_null"],
  string: ["=", "!=", "in", "not_in", "contains", "is_null", "is_not_null"],
  enum: ["=", "!=", "in", "not_in", "is_null", "is_not_null"],
  string_list: ["contains", "in", "not_in", "is_null", "is_not_null"],
  date: ["=", "!=", ">", ">=", "<", "<=", "between", "is_null", "is_not_null"],
  boolean: ["=", "!=", "is_null", "is_not_null"],
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "$"
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`
  return out
}

/** Depth and node count on the raw input, before zod walks it (a 10,000-deep JSON must not reach zod). */
function checkSize(json: unknown): ValidationError | null {
  let nodes = 0
  const stack: { node: unknown; depth: number; path: PropertyKey[] }[] = [{ node: json, depth: 1, path: [] }]
  while (stack.length) {
    const { node, depth, path } = stack.pop()!
    if (typeof node !== "object" || node === null) continue
    const n = node as { type?: unknown; rules?: unknown; rule?: unknown }
    nodes++
    if (nodes > LIMITS.maxNodes)
      return { path: "$", message: `a rule has at most ${LIMITS.maxNodes} nodes (conditions and groups)` }
    if (depth > LIMITS.maxDepth)
      return { path: formatPath(path), message: `rules nest at most ${LIMITS.maxDepth} levels deep` }
    if ((n.type === "and" || n.type === "or") && Array.isArray(n.rules))
      n.rules.forEach((c, i) => stack.push({ node: c, depth: depth + 1, path: [...path, "rules", i] }))
    else if (n.type === "not") stack.push({ node: n.rule, depth: depth + 1, path: [...path, "rule"] })
  }
  return null
}

export function validateRule(
  json: unknown,
  catalog: TraitCatalog = defaultCatalog,
  options: ValidateOptions = {}
): ValidationResult {
  const sizeError = checkSize(json)
  if (sizeError) return { ok: false, errors: [sizeError] }
  const parsed = ruleSchema.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    }
  }
  const errors: ValidationError[] = []
  checkNode(parsed.data, [], catalog, options, errors)
  return errors.length ? { ok: false, errors } : { ok: true, rule: parsed.data }
}

function checkNode(
  rule: Rule,
  path: PropertyKey[],
  catalog: TraitCatalog,
  options: ValidateOptions,
  errors: ValidationError[]
): void {
  if (rule.type === "and" || rule.type === "or")
    rule.rules.forEach((r, i) => checkNode(r, [...path, "rules", i], catalog, options, errors))
  else if (rule.type === "not") checkNode(rule.rule, [...path, "rule"], catalog, options, errors)
  else checkCondition(rule, path, catalog, options, errors)
}

function checkCondition(
  c: Condition,
  path: PropertyKey[],
  catalog: TraitCatalog,
  options: ValidateOptions,
  errors: ValidationError[]
): void {
  const err = (sub: PropertyKey[], message: string) => errors.push({ path: formatPath([...path, ...sub]), message })
  if (c.type === "trait") return checkTrait(c, catalog, err)
  if (c.type === "event") return checkEvent(c, options, err)
}

type Err = (sub: PropertyKey[], message: string) => void

function checkTrait(c: TraitCondition, catalog: TraitCatalog, err: Err): void {
  const def = catalog.get(c.trait)
  if (!def) {
    const allowed = [...catalog.keys()].sort().join(", ")
    return err(["trait"], `unknown trait '${c.trait}'; allowed traits: ${allowed}`)
  }
  const ops = OPS_BY_TYPE[def.type]
  if (!ops.includes(c.op))
    return err(["op"], `operator '${c.op}' does not apply to ${def.type} trait '${def.name}' (allowed: ${ops.join(", ")})`)
  if (!("value" in c) || c.value === undefined) return
  const values: Scalar[] = Array.isArray(c.value) ? c.value : [c.value]
  values.forEach((v, i) => {
    const problem = checkValue(def, v)
    if (problem) err(Array.isArray(c.value) ? ["value", i] : ["value"], problem)
  })
}

/** Why a value does not fit the trait, or null. */
function checkValue(def: TraitDef, v: Scalar): string | null {
  const name = `'${def.name}'`
  switch (def.type) {
    case "number":
    case "money":
      return typeof v === "number" || (typeof v === "string" && DECIMAL_RE.test(v))
        ? null
        : `${def.type} trait ${name} compares with numbers (or decimal strings like "100.10"), got ${describe(v)}`
    case "string":
    case "string_list":
      return typeof v === "string" ? null : `${def.type} trait ${name} compares with strings, got ${describe(v)}`
    case "enum":
      if (typeof v !== "string") return `enum trait ${name} compares with strings, got ${describe(v)}`
      return def.values!.includes(v) ? null : `'${v}' is not a value of ${name} (allowed: ${def.values!.join(", ")})`
    case "boolean":
      return typeof v === "boolean" ? null : `boolean trait ${name} compares with true or false, got ${describe(v)}`
    case "date":
      if (isRelative(v)) {
        return relativeOffsetMs(v) <= LIMITS.maxRelativeDays * DAY_MS
          ? null
          : `relative dates reach back at most ${LIMITS.maxRelativeDays} days`
      }
      return typeof v === "string" && isStrictIsoUtc(v)
        ? null
        : `date trait ${name} compares with an ISO 8601 UTC date ('2024-05-01' or '2024-05-01T12:00:00Z') or a relative date (-30d, -48h, -15m, today), got ${describe(v)}`
  }
}

function describe(v: Scalar): string {
  if (isRelative(v)) return `relative date ${v.relative}`
  return typeof v === "string" ? `string '${v.length > 40 ? v.slice(0, 40) + "…" : v}'` : `${typeof v} ${String(v)}`
}

function checkEvent(c: EventCondition, options: ValidateOptions, err: Err): void {
  if (options.eventTypes && !options.eventTypes.includes(c.event) && !c.event.startsWith("x_")) {
    err(["event"], `unknown event type '${c.event}'; allowed: ${options.eventTypes.join(", ")} or a custom x_* type`)
  }
  if (windowMs(c.window) > LIMITS.maxWindowDays * DAY_MS)
    err(["window"], `windows are at most ${LIMITS.maxWindowDays} days`)
  if (!NAME_RE.test(c.event)) err(["event"], `event types must match ${NAME_RE}`)
}

/** Parses rule text and validates the result: syntax errors come back as one error with line and column. */
export function validateText(
  text: string,
  catalog: TraitCatalog = defaultCatalog,
  options: ValidateOptions = {}
): ValidationResult {
  const parsed = tryParse(text)
  if (!parsed.ok) return { ok: false, errors: [{ path: "$", ...parsed.error }] }
  return validateRule(parsed.rule, catalog, options)
}
