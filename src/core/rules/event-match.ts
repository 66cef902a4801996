/** Which events a behavioural window counts (shared by evaluate and nextChange). */
import { EventCondition, PropertyFilter, windowMs } from "./ast"
import { compareNum, toNum } from "./decimal"
import { SubjectEvent, own } from "./subject"
import { toMillis } from "./time"
import { holds } from "./values"

/**
 * A property filter on one event. A missing property, or one of another JSON type than the filter value,
 * fails every operator including != and NOT IN (as the SQL does). Numbers also match numeric strings ("12.50").
 * A list property (JSON array) is read by its string elements: CONTAINS 'x' holds when one element is 'x', IN
 * (strings) when one element is in the list, NOT IN (strings) when none is. CONTAINS on a string is a substring test.
 */
export function filterMatches(f: PropertyFilter, properties: unknown): boolean {
  const raw = own(properties, f.property)
  if (f.op === "contains") {
    if (Array.isArray(raw)) return raw.some((e) => e === f.value)
    return typeof raw === "string" && raw.includes(f.value)
  }
  if (f.op === "in" || f.op === "not_in") {
    // NOT IN needs a value of the list's type too: a missing property fails it, as it fails !=.
    const list = f.value as (string | number)[]
    const wanted = f.op === "in"
    if (typeof list[0] === "string" && Array.isArray(raw)) return raw.some((e) => typeof e === "string" && (list as string[]).includes(e)) === wanted
    if (typeof list[0] === "string") return typeof raw === "string" && (list as string[]).includes(raw) === wanted
    const d = toNum(raw)
    return d !== null && list.some((v) => compareNum(d, toNum(v)!) === 0) === wanted
  }
  const v = f.value
  if (typeof v === "string") return typeof raw === "string" && holds(f.op, raw === v ? 0 : 1)
  if (typeof v === "boolean") return typeof raw === "boolean" && holds(f.op, raw === v ? 0 : 1)
  const d = toNum(raw)
  return d !== null && holds(f.op, compareNum(d, toNum(v)!))
}

/** Type and filters, ignoring time. */
export function eventMatches(c: EventCondition, e: SubjectEvent): boolean {
  return e.type === c.event && c.where.every((f) => filterMatches(f, e.properties))
}

/** The window at `now` is (now - N, now]: an event exactly N old has just left it. */
export function windowBounds(c: EventCondition, now: number): { from: number; to: number } {
  return { from: now - windowMs(c.window), to: now }
}

export function eventTime(e: SubjectEvent): number | null {
  return toMillis(e.occurred_at)
}

/** Events counted by the condition at `now`. */
export function eventsInWindow(c: EventCondition, events: readonly SubjectEvent[], now: number): SubjectEvent[] {
  const { from, to } = windowBounds(c, now)
  return events.filter((e) => {
    const t = eventTime(e)
    return t !== null && t > from && t <= to && eventMatches(c, e)
  })
}
