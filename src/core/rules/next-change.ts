/**
 * nextChange(rule, subject, now): the earliest instant after `now` at which evaluate() flips with no new event,
 * or null if it never does. Exact, not conservative:
 *
 * 1. Every time-dependent condition changes value only at instants we can list from the subject:
 *    - `x op -Nd` compares x with (t - N): it can change at x + N (for <=, >, =) or x + N + 1ms (for <, >=, =);
 *    - `x op today` compares x with the start of t's UTC day: it can change at the midnight at or after x;
 *    - a window of length W counts an event at te while te <= t < te + W: it changes at te and te + W;
 *    - a day count since x (`days_since_last_order op N`) steps at x + k days: it can change at x + floor(N) days
 *      and x + (floor(N) + 1) days.
 * 2. Between two consecutive candidates the whole rule is therefore constant, so the first candidate at which
 *    the rule's result differs from its result at `now` is the answer.
 * Cost: O(candidates × evaluation); candidates are about two per event in the rule's windows.
 */
import { DAY_MS, Rule, isRelative, walk, windowMs } from "./ast"
import { TraitCatalog, daysSinceBase, defaultCatalog } from "./catalog"
import { floorDecimal, plusDays } from "./days"
import { toDecimal } from "./decimal"
import { eventMatches, eventTime } from "./event-match"
import { matches, traitDef } from "./evaluate"
import { Subject, own } from "./subject"
import { relativeOffsetMs, startOfUtcDay } from "./time"
import { readTrait } from "./values"

export function nextChange(rule: Rule, subject: Subject, now: Date, catalog: TraitCatalog = defaultCatalog): Date | null {
  const t0 = now.getTime()
  const candidates = new Set<number>()
  const add = (t: number) => {
    if (t > t0) candidates.add(t)
  }
  const events = Array.isArray(subject.events) ? subject.events : []

  walk(rule, (node) => {
    if (node.type === "trait" && "value" in node) {
      const def = traitDef(catalog, node.trait)
      const base = daysSinceBase(def)
      if (base !== null) {
        // days = floor((t - x) / 1 day) steps up at x + k days; `days op N` can only flip where days crosses
        // floor(N) or floor(N) + 1 (ceil(N) is one of the two).
        const x = readTrait("date", own(subject.traits, traitDef(catalog, base).name)).value as number | null
        if (x === null) return
        for (const v of Array.isArray(node.value) ? node.value : [node.value]) {
          const n = toDecimal(v)
          if (!n) continue
          const f = floorDecimal(n)
          for (const k of [f, f + 1n]) {
            const at = plusDays(x, k)
            if (at !== null) add(at)
          }
        }
        return
      }
      if (def.type !== "date") return
      const x = readTrait("date", own(subject.traits, node.trait)).value as number | null
      if (x === null) return
      const values = Array.isArray(node.value) ? node.value : [node.value]
      for (const v of values) {
        if (!isRelative(v)) continue
        if (v.relative === "today") {
          add(startOfUtcDay(x))
          add(startOfUtcDay(x) + DAY_MS)
        } else {
          const d = relativeOffsetMs(v)
          add(x + d)
          add(x + d + 1)
        }
      }
    } else if (node.type === "event") {
      const w = windowMs(node.window)
      for (const e of events) {
        const te = eventTime(e)
        if (te === null || !eventMatches(node, e)) continue
        add(te)
        add(te + w)
      }
    }
  })
  if (candidates.size === 0) return null

  const before = matches(rule, subject, t0, catalog)
  for (const t of [...candidates].sort((a, b) => a - b)) {
    if (matches(rule, subject, t, catalog) !== before) return new Date(t)
  }
  return null
}
