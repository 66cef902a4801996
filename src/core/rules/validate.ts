/**
 * validateRule: structural (zod) + catalogue checks. Every error carries a JSON path like `$.rules[1].value`; for a
 * rule that came from parse() also the line and column in the text (positions.ts), which the message names too:
 * `unknown trait 'total_spend' at 1:1 — did you mean total_spent?`.
 */
import {
  Condition,
  DAY_MS,
  EventCondition,
  LIMITS,
  Rule,
  Scalar,
  TraitCondition,
  TraitOp,
  TraitType,
  isRelative,
  windowMs,
} from "./ast"
import { TraitCatalog, TraitDef, defaultCatalog } from "./catalog"
import { CUSTOM_EVENT_RE, KNOWN_EVENT_TYPES } from "./event-types"
import { SourcePosition, positionAt } from "./positions"
import { ruleSchema } from "./schema"
import { nearest } from "./suggest"
import { isStrictIsoUtc, relativeOffsetMs } from "./time"
import { DECIMAL_RE, RELATIVE_RE } from "./ast"
import { tryParse } from "./parser"

export interface ValidationError {
  path: string
  message: string
  /** For a rule parsed from text (validateText, or validateRule on parse()'s result): where in the text. */
  line?: number
  column?: number
}
export type ValidationResult = { ok: true; rule: Rule } | { ok: false; errors: ValidationError[] }

export interface ValidateOptions {
  /**
   * The event types a window may name. Default: the built-in types (event-types.ts). A type not in the list is
   * refused with the nearest known one suggested — except custom `x_*` types while `customEventTypes` is "any".
   * Callers that know the custom types declared or seen pass built-ins plus those.
   */
  eventTypes?: readonly string[]
  /**
   * "any" (default): every custom `x_*` type is accepted, since a storefront may start sending it after the segment
   * is created. "known": custom types must be in `eventTypes` too (a typo in one is refused with a suggestion).
   */
  customEventTypes?: "any" | "known"
}

export { KNOWN_EVENT_TYPES } from "./event-types"

export const OPS_BY_TYPE: Record<TraitType, readonly TraitOp[]> = {
  number: ["=", "!=", ">", ">=", "<", "<=", "between", "not_between", "in", "not_in", "is_null", "is_not_null"],
  money: ["=", "!=", ">", ">=", "<", "<=", "between", "not_between", "in", "not_in", "is_null", "is_not_null"],
  string: ["=", "!=", "in", "not_in", "contains", "is_null", "is_not_null"],
  enum: ["=", "!=", "in", "not_in", "is_null", "is_not_null"],
  string_list: ["contains", "in", "not_in", "is_null", "is_not_null"],
  date: ["=", "!=", ">", ">=", "<", "<=", "between", "not_between", "is_null", "is_not_null"],
  boolean: ["=", "!=", "is_null", "is_not_null"],
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "$"
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`
  return out
}

/** A problem before it is placed: `message` names what is wrong, `hint` (after a dash) what to write instead. */
interface Problem {
  path: PropertyKey[]
  message: string
  hint?: string
}

/** `<message> at L:C — <hint>`: the position (when the rule came from text) right after what it points at. */
function place(json: unknown, p: Problem): ValidationError {
  const pos: SourcePosition | undefined = positionAt(json, p.path)
  const message = `${p.message}${pos ? ` at ${pos.line}:${pos.column}` : ""}${p.hint ? ` — ${p.hint}` : ""}`
  return { path: formatPath(p.path), message, ...(pos ? { line: pos.line, column: pos.column } : {}) }
}

/** Depth and node count on the raw input, before zod walks it (a 10,000-deep JSON must not reach zod). */
function checkSize(json: unknown): Problem | null {
  let nodes = 0
  const stack: { node: unknown; depth: number; path: PropertyKey[] }[] = [{ node: json, depth: 1, path: [] }]
  while (stack.length) {
    const { node, depth, path } = stack.pop()!
    if (typeof node !== "object" || node === null) continue
    const n = node as { type?: unknown; rules?: unknown; rule?: unknown }
    nodes++
    if (nodes > LIMITS.maxNodes) return { path: [], message: `a rule has at most ${LIMITS.maxNodes} nodes (conditions and groups)` }
    if (depth > LIMITS.maxDepth) return { path, message: `rules nest at most ${LIMITS.maxDepth} levels deep` }
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
  if (sizeError) return { ok: false, errors: [place(json, sizeError)] }
  const parsed = ruleSchema.safeParse(json)
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => place(json, structureProblem(json, i.path, i.message, options))),
    }
  }
  const problems: Problem[] = []
  checkNode(parsed.data, [], catalog, options, problems)
  return problems.length ? { ok: false, errors: problems.map((p) => place(json, p)) } : { ok: true, rule: parsed.data }
}

/** A zod issue; an event type that is not even a name (`'Product Viewed'`) still gets its did-you-mean. */
function structureProblem(json: unknown, path: PropertyKey[], message: string, options: ValidateOptions): Problem {
  if (path[path.length - 1] === "event") {
    const value = path.reduce<unknown>((node, key) => (node as Record<PropertyKey, unknown> | null)?.[key as string], json)
    if (typeof value === "string") {
      const near = nearest(value, options.eventTypes ?? KNOWN_EVENT_TYPES)
      if (near) return { path, message: `unknown event type '${clip(value)}'`, hint: `did you mean ${near}?` }
    }
  }
  return { path, message }
}

function checkNode(rule: Rule, path: PropertyKey[], catalog: TraitCatalog, options: ValidateOptions, out: Problem[]): void {
  if (rule.type === "and" || rule.type === "or") rule.rules.forEach((r, i) => checkNode(r, [...path, "rules", i], catalog, options, out))
  else if (rule.type === "not") checkNode(rule.rule, [...path, "rule"], catalog, options, out)
  else checkCondition(rule, path, catalog, options, out)
}

type Report = (sub: PropertyKey[], message: string, hint?: string) => void

function checkCondition(c: Condition, path: PropertyKey[], catalog: TraitCatalog, options: ValidateOptions, out: Problem[]): void {
  const report: Report = (sub, message, hint) => out.push({ path: [...path, ...sub], message, hint })
  if (c.type === "trait") return checkTrait(c, catalog, report)
  if (c.type === "event") return checkEvent(c, options, report)
}

function checkTrait(c: TraitCondition, catalog: TraitCatalog, report: Report): void {
  const def = catalog.get(c.trait)
  if (!def) {
    const near = nearest(c.trait, catalog.keys())
    const hint = near ? `did you mean ${near}?` : `allowed traits: ${[...catalog.keys()].sort().join(", ")}`
    return report(["trait"], `unknown trait '${clip(c.trait)}'`, hint)
  }
  const ops = OPS_BY_TYPE[def.type]
  if (!ops.includes(c.op))
    return report(["op"], `operator '${c.op}' does not apply to ${def.type} trait '${def.name}'`, `allowed: ${ops.join(", ")}`)
  if (!("value" in c) || c.value === undefined) return
  const values: Scalar[] = Array.isArray(c.value) ? c.value : [c.value]
  values.forEach((v, i) => {
    const problem = checkValue(def, v)
    if (problem) report(Array.isArray(c.value) ? ["value", i] : ["value"], problem.message, problem.hint)
  })
}

/** Why a value does not fit the trait, or null. */
function checkValue(def: TraitDef, v: Scalar): { message: string; hint?: string } | null {
  const name = `'${def.name}'`
  switch (def.type) {
    case "number":
    case "money":
      return typeof v === "number" || (typeof v === "string" && DECIMAL_RE.test(v))
        ? null
        : { message: `${def.type} trait ${name} compares with numbers, got ${describe(v)}`, hint: `write a number, or a decimal string like '100.10'` }
    case "string":
    case "string_list":
      return typeof v === "string"
        ? null
        : { message: `${def.type} trait ${name} compares with strings, got ${describe(v)}`, hint: `quote it: '${isRelative(v) ? v.relative : String(v)}'` }
    case "enum": {
      if (typeof v !== "string") return { message: `enum trait ${name} compares with strings, got ${describe(v)}`, hint: `allowed: ${def.values!.join(", ")}` }
      if (def.values!.includes(v)) return null
      const near = nearest(v, def.values!)
      return { message: `'${clip(v)}' is not a value of ${name}`, hint: near ? `did you mean '${near}'? (allowed: ${def.values!.join(", ")})` : `allowed: ${def.values!.join(", ")}` }
    }
    case "boolean":
      return typeof v === "boolean" ? null : { message: `boolean trait ${name} compares with true or false, got ${describe(v)}` }
    case "date":
      if (isRelative(v)) {
        return relativeOffsetMs(v) <= LIMITS.maxRelativeDays * DAY_MS
          ? null
          : { message: `relative date ${v.relative} reaches back too far`, hint: `relative dates reach back at most ${LIMITS.maxRelativeDays} days` }
      }
      if (typeof v === "string" && isStrictIsoUtc(v)) return null
      return {
        message: `date trait ${name} compares with an ISO 8601 UTC date or a relative date, got ${describe(v)}`,
        hint:
          typeof v === "string" && RELATIVE_RE.test(v)
            ? `write ${v} without quotes`
            : "write '2024-05-01', '2024-05-01T12:00:00Z' or a relative date (-30d, -2w, -48h, -15m, today)",
      }
  }
}

function clip(s: string): string {
  return s.length > 40 ? s.slice(0, 40) + "…" : s
}

function describe(v: Scalar): string {
  if (isRelative(v)) return `relative date ${v.relative}`
  return typeof v === "string" ? `string '${clip(v)}'` : `${typeof v} ${String(v)}`
}

function checkEvent(c: EventCondition, options: ValidateOptions, report: Report): void {
  const problem = eventTypeProblem(c.event, options)
  if (problem) report(["event"], problem.message, problem.hint)
  if (windowMs(c.window) > LIMITS.maxWindowDays * DAY_MS)
    report(["window"], `window 'last ${c.window.amount}${c.window.unit}' is too long`, `windows are at most ${LIMITS.maxWindowDays} days`)
}

/** Why an event type would never match, or null. Built-in names are always checked; custom x_* per the options. */
function eventTypeProblem(event: string, options: ValidateOptions): { message: string; hint: string } | null {
  const known = options.eventTypes ?? KNOWN_EVENT_TYPES
  if (known.includes(event)) return null
  const custom = CUSTOM_EVENT_RE.test(event)
  if (custom && (options.customEventTypes ?? "any") === "any") return null
  const near = nearest(event, known)
  if (near) return { message: `unknown event type '${clip(event)}'`, hint: `did you mean ${near}?` }
  if (custom) {
    const declared = known.filter((t) => CUSTOM_EVENT_RE.test(t))
    return {
      message: `unknown event type '${clip(event)}'`,
      hint: `custom types must be declared or seen first (known: ${declared.length ? declared.join(", ") : "none yet"})`,
    }
  }
  const asCustom = `x_${event}`
  return {
    message: `unknown event type '${clip(event)}'`,
    hint: `known types: ${known.filter((t) => !CUSTOM_EVENT_RE.test(t)).join(", ")}; custom storefront types start with x_ (${CUSTOM_EVENT_RE.test(asCustom) ? asCustom : "x_…"})`,
  }
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
