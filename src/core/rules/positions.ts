/**
 * Where in the rule text each node of a parsed rule came from, so that validation errors (unknown trait, wrong
 * value type, window too long …) name a line and column like syntax errors do.
 *
 * parse() records positions in a WeakMap keyed by the AST objects it returns: nothing is added to the AST itself
 * (it stays plain, deep-equal JSON), a rule built or edited elsewhere simply has no positions, and validateRule
 * looks them up for whatever rule object it is handed. A node's position is the start of its condition; fields
 * (`trait`, `op`, `value[1]`, `where[0].property`, `window` …) have their own where the parser saw them.
 */

export interface SourcePosition {
  line: number
  column: number
}

interface NodePositions {
  at: SourcePosition
  /** Sub-path within the node (formatted like `value[1]`, `window.amount`) → position. */
  fields: Map<string, SourcePosition>
}

const POSITIONS = new WeakMap<object, NodePositions>()

/** Records where `node` (and, optionally, some of its fields) starts in the source text. */
export function recordPosition(node: object, at: SourcePosition, fields: Record<string, SourcePosition | undefined> = {}): void {
  const map = new Map<string, SourcePosition>()
  for (const [k, v] of Object.entries(fields)) if (v) map.set(k, v)
  POSITIONS.set(node, { at: { line: at.line, column: at.column }, fields: map })
}

/** Adds positions for fields of a node already recorded. */
export function recordField(node: object, field: string, at: SourcePosition): void {
  const entry = POSITIONS.get(node)
  if (entry) entry.fields.set(field, { line: at.line, column: at.column })
}

export function hasPositions(rule: unknown): boolean {
  return typeof rule === "object" && rule !== null && POSITIONS.has(rule)
}

function subPath(path: readonly PropertyKey[]): string {
  let out = ""
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out ? "." : ""}${String(p)}`
  return out
}

/**
 * The source position of a validation error's path (as zod / validateRule report it, e.g. ["rules", 1, "value", 0])
 * in a parsed rule: the deepest recorded node on the path, then the longest recorded field of the rest; the node's
 * own start if no field is recorded. Undefined for a rule that did not come from parse().
 */
export function positionAt(root: unknown, path: readonly PropertyKey[]): SourcePosition | undefined {
  let node: unknown = root
  let deepest: { entry: NodePositions; rest: readonly PropertyKey[] } | undefined
  for (let i = 0; ; i++) {
    if (typeof node === "object" && node !== null) {
      const entry = POSITIONS.get(node)
      if (entry) deepest = { entry, rest: path.slice(i) }
    }
    if (i >= path.length || typeof node !== "object" || node === null) break
    node = (node as Record<PropertyKey, unknown>)[path[i] as string]
  }
  if (!deepest) return undefined
  for (let k = deepest.rest.length; k > 0; k--) {
    const hit = deepest.entry.fields.get(subPath(deepest.rest.slice(0, k)))
    if (hit) return hit
  }
  return deepest.entry.at
}
