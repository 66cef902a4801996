/**
 * The visual rule builder's state and its mapping to and from the rule AST (src/core/rules/ast.ts).
 * Pure TypeScript, no React: the editor renders this state, and a fast-check property test checks that
 * `toRule(fromRule(rule))` gives back every valid rule (src/admin/lib/__tests__/rule-builder.spec.ts).
 *
 * Values are kept as text while the user types (a half-typed number is not a number yet); each value remembers
 * its kind so that a rule loaded from the server comes back exactly (a decimal string "100.10" stays a string,
 * the number 100.1 stays a number).
 */
import type {
  ComparisonOp,
  EventCondition,
  NumericValue,
  PropertyFilter,
  PropertyOp,
  Rule,
  Scalar,
  TraitCondition,
  TraitOp,
  TraitType,
  WindowUnit,
} from "../../core/rules/ast"
import { compareDecimal, decimalToString, toDecimal } from "../../core/rules/decimal"

export type ValueDraft =
  | { kind: "number"; text: string } // a JS number
  | { kind: "decimal"; text: string; typed?: boolean } // an exact decimal string, e.g. money "100.10" (typed: entered by the user, emitted in canonical form)
  | { kind: "string"; text: string } // text, enum value or an absolute ISO date
  | { kind: "boolean"; value: boolean }
  | { kind: "relative"; text: string } // today, -30d, -2w, -48h, -15m

export type Measure = EventCondition["measure"]

export interface FilterDraft {
  id: string
  property: string
  op: PropertyOp
  values: ValueDraft[]
}

export type BuilderNode =
  | { id: string; kind: "group"; op: "and" | "or"; children: BuilderNode[] }
  | { id: string; kind: "not"; child: BuilderNode | null }
  | { id: string; kind: "trait"; trait: string; op: TraitOp; values: ValueDraft[] }
  | {
      id: string
      kind: "event"
      event: string
      measure: Measure
      /** The event property summed up (measure "sum" only). */
      property: string
      op: ComparisonOp | "between"
      values: ValueDraft[]
      where: FilterDraft[]
      window: { amount: string; unit: WindowUnit }
    }
  | { id: string; kind: "segment"; handle: string }
  | { id: string; kind: "consent"; purpose: string }

export type GroupNode = Extract<BuilderNode, { kind: "group" }>
export type TraitNode = Extract<BuilderNode, { kind: "trait" }>
export type EventNode = Extract<BuilderNode, { kind: "event" }>

/** A trait as the catalogue route describes it. */
export interface TraitInfo {
  name: string
  type: TraitType
  label: string
  description?: string
  values?: string[]
}

export interface BuilderError {
  /** The node (or filter) the error is about. */
  id: string
  message: string
}
export type ToRuleResult = { ok: true; rule: Rule } | { ok: false; errors: BuilderError[] }

const DECIMAL_RE = /^-?\d+(?:\.\d+)?$/
const RELATIVE_RE = /^(?:today|-(\d{1,8})([mhdw]))$/

export type IdGen = () => string
export function idGenerator(prefix = "n"): IdGen {
  let n = 0
  return () => `${prefix}${++n}`
}

// ---- AST → state ---------------------------------------------------------------------------------------------

function numberText(n: number): string {
  return Object.is(n, -0) ? "-0" : String(n)
}

export function valueDraft(v: Scalar): ValueDraft {
  if (typeof v === "number") return { kind: "number", text: numberText(v) }
  if (typeof v === "boolean") return { kind: "boolean", value: v }
  if (typeof v === "string") return { kind: "string", text: v }
  return { kind: "relative", text: v.relative }
}

function numericDraft(v: NumericValue): ValueDraft {
  return typeof v === "number" ? { kind: "number", text: numberText(v) } : { kind: "decimal", text: v }
}

/** The builder's root is always a group; a single condition becomes a group of one. */
export function fromRule(rule: Rule, nextId: IdGen = idGenerator()): GroupNode {
  const node = nodeFromRule(rule, nextId)
  return node.kind === "group" ? node : { id: nextId(), kind: "group", op: "and", children: [node] }
}

export function nodeFromRule(rule: Rule, nextId: IdGen): BuilderNode {
  const id = nextId()
  switch (rule.type) {
    case "and":
    case "or":
      return { id, kind: "group", op: rule.type, children: rule.rules.map((r) => nodeFromRule(r, nextId)) }
    case "not":
      return { id, kind: "not", child: nodeFromRule(rule.rule, nextId) }
    case "segment":
      return { id, kind: "segment", handle: rule.handle }
    case "consent":
      return { id, kind: "consent", purpose: rule.purpose }
    case "trait": {
      const values = !("value" in rule) || rule.value === undefined ? [] : Array.isArray(rule.value) ? rule.value : [rule.value]
      return { id, kind: "trait", trait: rule.trait, op: rule.op, values: values.map(valueDraft) }
    }
    case "event": {
      const values: NumericValue[] =
        rule.measure === "count" || rule.measure === "sum" ? (Array.isArray(rule.value) ? rule.value : [rule.value]) : []
      return {
        id,
        kind: "event",
        event: rule.event,
        measure: rule.measure,
        property: rule.measure === "sum" ? rule.property : "",
        op: rule.measure === "count" || rule.measure === "sum" ? rule.op : ">=",
        values: values.map(numericDraft),
        where: (rule.where ?? []).map((f) => ({
          id: nextId(),
          property: f.property,
          op: f.op,
          values: (Array.isArray(f.value) ? (f.value as Scalar[]) : [f.value]).map(valueDraft),
        })),
        window: { amount: String(rule.window.amount), unit: rule.window.unit },
      }
    }
  }
}

// ---- state → AST ---------------------------------------------------------------------------------------------

type Read<T> = { ok: true; value: T } | { ok: false; message: string }

function readScalar(d: ValueDraft): Read<Scalar> {
  switch (d.kind) {
    case "boolean":
      return { ok: true, value: d.value }
    case "string":
      return { ok: true, value: d.text }
    case "relative":
      return RELATIVE_RE.test(d.text)
        ? { ok: true, value: { relative: d.text } }
        : { ok: false, message: `'${d.text}' is not a relative date (today, -30d, -2w, -48h, -15m)` }
    case "decimal":
      if (!DECIMAL_RE.test(d.text)) return { ok: false, message: `'${d.text}' is not a number` }
      return { ok: true, value: d.typed ? decimalToString(toDecimal(d.text)!) : d.text }
    case "number": {
      const t = d.text.trim()
      const n = Number(t)
      return t !== "" && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, message: `'${d.text}' is not a number` }
    }
  }
}

function readNumeric(d: ValueDraft): Read<NumericValue> {
  if (d.kind !== "number" && d.kind !== "decimal") return { ok: false, message: "expected a number" }
  return readScalar(d) as Read<NumericValue>
}

/** Arity of a trait operator: how many value inputs it shows ("list" = one or more). */
export function traitArity(op: TraitOp): 0 | 1 | 2 | "list" {
  if (op === "is_null" || op === "is_not_null") return 0
  if (op === "between" || op === "not_between") return 2
  if (op === "in" || op === "not_in") return "list"
  return 1
}

export function toRule(root: BuilderNode): ToRuleResult {
  const errors: BuilderError[] = []
  const rule = nodeToRule(root, errors)
  return errors.length || !rule ? { ok: false, errors: errors.length ? errors : [{ id: root.id, message: "empty rule" }] } : { ok: true, rule }
}

function nodeToRule(node: BuilderNode, errors: BuilderError[]): Rule | null {
  const fail = (message: string, id = node.id): null => {
    errors.push({ id, message })
    return null
  }
  switch (node.kind) {
    case "group": {
      if (node.children.length === 0) return fail("add at least one condition to this group")
      const rules = node.children.map((c) => nodeToRule(c, errors))
      if (rules.some((r) => r === null)) return null
      // A group of one is the condition itself (the AST's groups have at least two members).
      return rules.length === 1 ? rules[0] : { type: node.op, rules: rules as Rule[] }
    }
    case "not": {
      if (!node.child) return fail("NOT needs a condition")
      const inner = nodeToRule(node.child, errors)
      return inner ? { type: "not", rule: inner } : null
    }
    case "segment":
      return node.handle ? { type: "segment", handle: node.handle } : fail("choose a segment")
    case "consent":
      return node.purpose ? { type: "consent", purpose: node.purpose } : fail("choose a consent purpose")
    case "trait": {
      if (!node.trait) return fail("choose a trait")
      const arity = traitArity(node.op)
      const read = node.values.map(readScalar)
      const bad = read.find((r): r is { ok: false; message: string } => !r.ok)
      if (bad) return fail(bad.message)
      const values = read.map((r) => (r as { ok: true; value: Scalar }).value)
      const base = { type: "trait" as const, trait: node.trait }
      if (arity === 0) return { ...base, op: node.op as "is_null" | "is_not_null" }
      if (arity === 2) {
        if (values.length !== 2) return fail("'between' takes two values")
        return { ...base, op: node.op as "between" | "not_between", value: [values[0], values[1]] }
      }
      if (arity === "list") {
        if (values.length === 0) return fail("add at least one value")
        return { ...base, op: node.op as "in" | "not_in", value: values }
      }
      if (values.length !== 1) return fail("enter a value")
      return { ...base, op: node.op as ComparisonOp | "contains", value: values[0] } as TraitCondition
    }
    case "event": {
      if (!node.event) return fail("choose an event type")
      const amount = Number(node.window.amount)
      if (!/^\d+$/.test(node.window.amount) || amount < 1) return fail("the window is a whole number of at least 1")
      const where: PropertyFilter[] = []
      for (const f of node.where) {
        if (!f.property) return fail("name the property to filter on", f.id)
        const read = f.values.map(readScalar)
        const bad = read.find((r): r is { ok: false; message: string } => !r.ok)
        if (bad) return fail(bad.message, f.id)
        const values = read.map((r) => (r as { ok: true; value: Scalar }).value)
        if (f.op === "in" || f.op === "not_in") {
          if (values.length === 0) return fail("add at least one value", f.id)
          where.push({ property: f.property, op: f.op, value: values as string[] | number[] })
        } else {
          if (values.length !== 1) return fail("enter a value", f.id)
          if (f.op === "contains") {
            if (typeof values[0] !== "string") return fail("CONTAINS takes text", f.id)
            where.push({ property: f.property, op: "contains", value: values[0] })
          } else where.push({ property: f.property, op: f.op, value: values[0] as string | number | boolean })
        }
      }
      const base = { type: "event" as const, event: node.event, where, window: { amount, unit: node.window.unit } }
      if (node.measure === "exists" || node.measure === "none") return { ...base, measure: node.measure }
      const read = node.values.map(readNumeric)
      const bad = read.find((r): r is { ok: false; message: string } => !r.ok)
      if (bad) return fail(bad.message)
      const values = read.map((r) => (r as { ok: true; value: NumericValue }).value)
      if (node.op === "between" ? values.length !== 2 : values.length !== 1) return fail("enter a value")
      const cmp =
        node.op === "between"
          ? { op: "between" as const, value: [values[0], values[1]] as [NumericValue, NumericValue] }
          : { op: node.op, value: values[0] }
      if (node.measure === "sum") {
        if (!node.property) return fail("name the property to sum")
        return { ...base, measure: "sum", property: node.property, ...cmp } as EventCondition
      }
      return { ...base, measure: "count", ...cmp } as EventCondition
    }
  }
}

/**
 * A number as the user typed it, typed the way the text parser types a number literal: a JS number when that is
 * exact, otherwise a decimal string (money like 12345678901234567.89 keeps every digit). Text that is not a plain
 * decimal stays a "number" draft, which toRule reports when it is not a number.
 */
export function typedNumber(text: string): ValueDraft {
  const t = text.trim()
  if (!DECIMAL_RE.test(t)) return { kind: "number", text: t }
  const n = Number(t)
  const exact = toDecimal(t)
  const asNumber = Number.isFinite(n) ? toDecimal(n) : null
  return exact && asNumber && compareDecimal(exact, asNumber) === 0 ? { kind: "number", text: t } : { kind: "decimal", text: t, typed: true }
}

// ---- editing helpers (immutable) ----------------------------------------------------------------------------

/** The value an input starts with for a trait type. */
export function defaultValue(type: TraitType | undefined, values?: readonly string[]): ValueDraft {
  switch (type) {
    case "number":
      return { kind: "number", text: "0" }
    case "money":
      return { kind: "number", text: "0" }
    case "boolean":
      return { kind: "boolean", value: true }
    case "date":
      return { kind: "relative", text: "-30d" }
    case "enum":
      return { kind: "string", text: values?.[0] ?? "" }
    default:
      return { kind: "string", text: "" }
  }
}

/** Reshapes the values to the operator's arity, keeping what fits. */
export function valuesForOp(op: TraitOp, current: ValueDraft[], fallback: ValueDraft): ValueDraft[] {
  const arity = traitArity(op)
  if (arity === 0) return []
  if (arity === 1) return [current[0] ?? fallback]
  if (arity === 2) return [current[0] ?? fallback, current[1] ?? current[0] ?? fallback]
  return current.length ? current : [fallback]
}

export function newTraitNode(nextId: IdGen, trait?: TraitInfo, ops?: readonly TraitOp[]): TraitNode {
  const op: TraitOp = trait ? (ops?.includes(">=") ? ">=" : ops?.[0] ?? "=") : "="
  return {
    id: nextId(),
    kind: "trait",
    trait: trait?.name ?? "",
    op,
    values: valuesForOp(op, [], defaultValue(trait?.type, trait?.values)),
  }
}

export function newEventNode(nextId: IdGen, event = "product_viewed"): EventNode {
  return {
    id: nextId(),
    kind: "event",
    event,
    measure: "count",
    property: "",
    op: ">=",
    values: [{ kind: "number", text: "1" }],
    where: [],
    window: { amount: "30", unit: "d" },
  }
}

/** Replaces the node with this id (anywhere in the tree) by update(node). */
export function updateNode(root: BuilderNode, id: string, update: (n: BuilderNode) => BuilderNode): BuilderNode {
  if (root.id === id) return update(root)
  if (root.kind === "group") {
    const children = root.children.map((c) => updateNode(c, id, update))
    return children.some((c, i) => c !== root.children[i]) ? { ...root, children } : root
  }
  if (root.kind === "not" && root.child) {
    const child = updateNode(root.child, id, update)
    return child !== root.child ? { ...root, child } : root
  }
  return root
}

/** Removes the node with this id; a NOT whose condition is removed goes with it. */
export function removeNode(root: BuilderNode, id: string): BuilderNode {
  if (root.kind === "group") {
    const children = root.children
      .filter((c) => c.id !== id && !(c.kind === "not" && c.child?.id === id))
      .map((c) => removeNode(c, id))
    return { ...root, children }
  }
  if (root.kind === "not" && root.child) return { ...root, child: removeNode(root.child, id) }
  return root
}

export function findNode(root: BuilderNode, id: string): BuilderNode | null {
  if (root.id === id) return root
  if (root.kind === "group") {
    for (const c of root.children) {
      const f = findNode(c, id)
      if (f) return f
    }
  }
  if (root.kind === "not" && root.child) return findNode(root.child, id)
  return null
}

export function countConditions(root: BuilderNode): number {
  if (root.kind === "group") return root.children.reduce((s, c) => s + countConditions(c), 0)
  if (root.kind === "not") return root.child ? countConditions(root.child) : 0
  return 1
}
