/** Time helpers. Everything is UTC and millisecond precise. */
import { DAY_MS, RELATIVE_RE, RelativeDate, UNIT_MS, WindowUnit } from "./ast"

/**
 * ISO 8601 UTC timestamps accepted in rules and in jsonb date traits: a date (midnight UTC) or a date-time
 * ending in Z, with optional seconds and milliseconds. compile-sql.ts parses jsonb dates with the same pattern.
 */
export const ISO_UTC_RE =
  /^([1-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:T([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,3}))?)?Z)?$/

/**
 * Milliseconds since the epoch, or null if the text is not ISO_UTC_RE. Day overflow rolls over like Date.UTC
 * (2023-02-30 is 2023-03-02), which is exactly what the SQL (timestamp + interval) does too.
 */
export function parseIsoUtc(text: string): number | null {
  const m = ISO_UTC_RE.exec(text)
  if (!m) return null
  const [, y, mo, d, h = "0", mi = "0", s = "0", ms = "0"] = m
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Number(ms.padEnd(3, "0")))
}

/** A rule's absolute date literal must be a real calendar date (no rollover). */
export function isStrictIsoUtc(text: string): boolean {
  const t = parseIsoUtc(text)
  if (t === null) return false
  const back = new Date(t).toISOString()
  const m = ISO_UTC_RE.exec(text)!
  return back.slice(0, 10) === `${m[1]}-${m[2]}-${m[3]}`
}

export function startOfUtcDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS
}

/** The instant a relative date denotes at `now`. */
export function resolveRelative(rel: RelativeDate, now: number): number {
  if (rel.relative === "today") return startOfUtcDay(now)
  if (!RELATIVE_RE.test(rel.relative)) throw new Error(`invalid relative date '${rel.relative}'`)
  return now - relativeOffsetMs(rel)
}

const offsets = new Map<string, number>()

/** Milliseconds of a relative offset (0 for today, which is handled separately). Memoised: rules repeat them. */
export function relativeOffsetMs(rel: RelativeDate): number {
  let ms = offsets.get(rel.relative)
  if (ms === undefined) {
    const m = RELATIVE_RE.exec(rel.relative)
    ms = m && m[1] !== undefined ? Number(m[1]) * UNIT_MS[m[2] as WindowUnit] : 0
    if (offsets.size > 10_000) offsets.clear()
    offsets.set(rel.relative, ms)
  }
  return ms
}

/** A subject's date value: a Date, or an ISO_UTC_RE string (jsonb traits, serialised profiles). */
export function toMillis(v: unknown): number | null {
  if (v instanceof Date) {
    const t = v.getTime()
    return Number.isNaN(t) ? null : t
  }
  if (typeof v === "string") return parseIsoUtc(v)
  return null
}
