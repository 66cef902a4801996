/** What a rule reads, so the pipeline re-evaluates only the segments an event or change can affect. */
import { Rule, isRelative, walk } from "./ast"
import { TraitCatalog, daysSinceBase, defaultCatalog } from "./catalog"
import { segmentKey } from "./references"

export interface RuleDependencies {
  traits: string[]
  eventTypes: string[]
  /** Referenced segments by key: ids for a stored rule, handles for a rule as written (references.ts). */
  segments: string[]
  consent: string[]
  /** True when the result can change with time alone (relative dates, today, event windows, day counts). */
  timeBased: boolean
}

/**
 * `catalog` tells derived day counts apart: `days_since_last_order` reads `last_order_at` (both are listed)
 * and makes the rule time-based.
 */
export function dependencies(rule: Rule, catalog: TraitCatalog = defaultCatalog): RuleDependencies {
  const traits = new Set<string>()
  const eventTypes = new Set<string>()
  const segments = new Set<string>()
  const consent = new Set<string>()
  let timeBased = false
  walk(rule, (node) => {
    switch (node.type) {
      case "trait":
        traits.add(node.trait)
        if ("value" in node && (Array.isArray(node.value) ? node.value : [node.value]).some(isRelative)) timeBased = true
        {
          const def = catalog.get(node.trait)
          const base = def ? daysSinceBase(def) : null
          if (base !== null) {
            traits.add(base)
            // IS [NOT] NULL of a day count does not depend on time.
            if ("value" in node) timeBased = true
          }
        }
        break
      case "event":
        eventTypes.add(node.event)
        timeBased = true
        break
      case "segment":
        segments.add(segmentKey(node))
        break
      case "consent":
        consent.add(node.purpose)
        break
    }
  })
  const sorted = (s: Set<string>) => [...s].sort()
  return {
    traits: sorted(traits),
    eventTypes: sorted(eventTypes),
    segments: sorted(segments),
    consent: sorted(consent),
    timeBased,
  }
}
