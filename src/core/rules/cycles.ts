/**
 * Segment-reference cycles: segment('a') inside b's rule and segment('b') inside a's rule can never settle.
 * References are keyed as in references.ts: by id in stored rules, by handle in a rule as written.
 */

/** A rule by reference key; unknown keys (undefined/null) end the search along that path. */
export type RuleLookup = ReadonlyMap<string, unknown> | ((handle: string) => unknown)

/**
 * Keys of the segments referenced by segment(...) conditions (the id when a reference has one, else the handle).
 * Walks raw JSON defensively, so stored rules of any vintage can be inspected without validating them first.
 */
export function segmentReferences(rule: unknown): string[] {
  const out = new Set<string>()
  const stack: unknown[] = [rule]
  let guard = 0
  while (stack.length && guard++ < 10_000) {
    const n = stack.pop() as { type?: unknown; handle?: unknown; id?: unknown; rules?: unknown; rule?: unknown } | null
    if (typeof n !== "object" || n === null) continue
    if (n.type === "segment") {
      const key = typeof n.id === "string" ? n.id : n.handle
      if (typeof key === "string") out.add(key)
    }
    // Only where the node's type has children: a stored rule may carry stray keys (an update used to merge a new rule
    // into the old one, so a trait condition could keep an old AND's `rules`). Pushed in reverse: document order.
    if (n.type === "not" && n.rule !== undefined) stack.push(n.rule)
    if ((n.type === "and" || n.type === "or") && Array.isArray(n.rules)) stack.push(...[...n.rules].reverse())
  }
  return [...out]
}

/**
 * Returns a cycle through segment references reachable from `handle` (the key of the segment whose rule is `rule`,
 * possibly not yet saved), as the list of keys ending where it started, e.g. ["a", "b", "a"]; or null if there is none.
 */
export function findCycle(handle: string, rule: unknown, lookup: RuleLookup): string[] | null {
  const get = (h: string): unknown => (h === handle ? rule : typeof lookup === "function" ? lookup(h) : lookup.get(h))
  const done = new Set<string>()
  const path: string[] = []

  const visit = (h: string): string[] | null => {
    const at = path.indexOf(h)
    if (at >= 0) return [...path.slice(at), h]
    if (done.has(h)) return null
    const r = get(h)
    if (r === undefined || r === null) return null
    path.push(h)
    for (const ref of segmentReferences(r)) {
      const cycle = visit(ref)
      if (cycle) return cycle
    }
    path.pop()
    done.add(h)
    return null
  }
  return visit(handle)
}
