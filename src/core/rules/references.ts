/**
 * Segment references, by id inside the system and by handle at its edges.
 *
 * As written (rule text, API bodies, export documents) segment('vip') names a segment by its handle. As stored, the
 * condition also carries the segment's id — `{ type: "segment", id: "pseg_…", handle: "vip" }` — and the id is what it
 * means: evaluate(), compileSql(), dependencies() and findCycle() key a reference by its id when it has one, the handle
 * being only its label (kept current when the segment is renamed). So renaming a segment can neither break a reference
 * nor point it at another segment. A subject's `segments` lists keys of the same kind as the rule it is evaluated
 * against: segment ids for stored rules (the shell), handles for a rule as written (tests of the language itself).
 */
import type { Rule, SegmentCondition } from "./ast"

/** What a reference means: the segment's id when it has one, else (a rule as written) its handle. */
export function segmentKey(c: SegmentCondition): string {
  return c.id ?? c.handle
}

/** A copy of `rule` with every segment reference replaced by `fn(reference)`; other nodes are shared. */
export function mapSegmentReferences(rule: Rule, fn: (c: SegmentCondition) => SegmentCondition): Rule {
  switch (rule.type) {
    case "and":
    case "or":
      return { ...rule, rules: rule.rules.map((r) => mapSegmentReferences(r, fn)) }
    case "not":
      return { ...rule, rule: mapSegmentReferences(rule.rule, fn) }
    case "segment":
      return fn(rule)
    default:
      return rule
  }
}

/**
 * A rule as written → as stored: each reference without an id gets `idOf(handle)`. Handles `idOf` does not know are
 * listed in `missing` (in document order, once each) and left without an id.
 */
export function resolveSegmentIds(rule: Rule, idOf: (handle: string) => string | undefined): { rule: Rule; missing: string[] } {
  const missing: string[] = []
  const resolved = mapSegmentReferences(rule, (c) => {
    if (c.id !== undefined) return c
    const id = idOf(c.handle)
    if (id === undefined) {
      if (!missing.includes(c.handle)) missing.push(c.handle)
      return c
    }
    return { type: "segment", id, handle: c.handle }
  })
  return { rule: resolved, missing }
}

/** Labels each id reference with its segment's current handle (`handleOf`); an id it does not know keeps its label. */
export function labelSegmentHandles(rule: Rule, handleOf: (id: string) => string | undefined): Rule {
  return mapSegmentReferences(rule, (c) => (c.id === undefined ? c : { type: "segment", id: c.id, handle: handleOf(c.id) ?? c.handle }))
}

/** A stored rule as written again (for the API, text and export): references by handle only. */
export function withoutSegmentIds(rule: Rule): Rule {
  return mapSegmentReferences(rule, (c) => (c.id === undefined ? c : { type: "segment", handle: c.handle }))
}
