/**
 * A small five-field cron matcher (UTC): `minute hour day-of-month month day-of-week`, with `*`, lists, ranges,
 * steps, month/day names and the @hourly-style macros. Enough to decide "is the merchant's refreshCron due?"
 * from a job that runs every minute, without a parser dependency.
 * Day of month and day of week follow classic cron: when both are restricted, either may match.
 */

export interface Cron {
  minute: Set<number>
  hour: Set<number>
  dom: Set<number>
  month: Set<number>
  dow: Set<number>
  domAny: boolean
  dowAny: boolean
}

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
}
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

export class CronError extends Error {}

export function parseCron(expression: string): Cron {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression.trim()
  const parts = text.split(/\s+/)
  if (parts.length !== 5) throw new CronError(`expected 5 fields (minute hour day month weekday), got ${parts.length}`)
  const [minute, hour, dom, month, dow] = parts
  const dowSet = field(dow, 0, 7, "day of week", DAYS)
  if (dowSet.has(7)) dowSet.add(0) // 7 is Sunday too
  return {
    minute: field(minute, 0, 59, "minute"),
    hour: field(hour, 0, 23, "hour"),
    dom: field(dom, 1, 31, "day of month"),
    month: field(month, 1, 12, "month", MONTHS, 1),
    dow: dowSet,
    domAny: dom === "*" || dom === "?",
    dowAny: dow === "*" || dow === "?",
  }
}

function field(text: string, min: number, max: number, name: string, names: string[] = [], nameBase = 0): Set<number> {
  const out = new Set<number>()
  const value = (v: string) => {
    const i = names.indexOf(v.toLowerCase())
    const n = i >= 0 ? i + nameBase : /^\d+$/.test(v) ? Number(v) : NaN
    if (!Number.isInteger(n) || n < min || n > max) throw new CronError(`${name}: '${v}' is not in ${min}-${max}`)
    return n
  }
  for (const item of text.split(",")) {
    const [range, stepText] = item.split("/")
    const step = stepText === undefined ? 1 : Number(stepText)
    if (!Number.isInteger(step) || step < 1) throw new CronError(`${name}: bad step in '${item}'`)
    let lo: number
    let hi: number
    if (range === "*" || range === "?") {
      lo = min
      hi = max
    } else if (range.includes("-")) {
      const [a, b] = range.split("-")
      lo = value(a)
      hi = value(b)
      if (lo > hi) throw new CronError(`${name}: range '${range}' runs backwards`)
    } else {
      lo = value(range)
      hi = stepText === undefined ? lo : max
    }
    for (let v = lo; v <= hi; v += step) out.add(v)
  }
  return out
}

/** Whether the minute containing `at` (UTC) is one the cron fires in. */
export function cronMatches(cron: Cron, at: Date): boolean {
  if (!cron.minute.has(at.getUTCMinutes()) || !cron.hour.has(at.getUTCHours()) || !cron.month.has(at.getUTCMonth() + 1)) {
    return false
  }
  return dayMatches(cron, at)
}

function dayMatches(cron: Cron, at: Date): boolean {
  const dom = cron.dom.has(at.getUTCDate())
  const dow = cron.dow.has(at.getUTCDay())
  if (cron.domAny && cron.dowAny) return true
  if (cron.domAny) return dow
  if (cron.dowAny) return dom
  return dom || dow
}

const MINUTE = 60_000

/**
 * The latest instant t in (after, now] at which the cron fires (whole UTC minutes), or null. A `null` `after`
 * (never ran) looks back `lookbackMs` (default one year, enough for any five-field schedule).
 */
export function lastFireBetween(cron: Cron, after: Date | null, now: Date, lookbackMs = 366 * 24 * 60 * MINUTE): Date | null {
  const floor = Math.max(after ? after.getTime() : -Infinity, now.getTime() - lookbackMs)
  let t = Math.floor(now.getTime() / MINUTE) * MINUTE
  while (t > floor) {
    const d = new Date(t)
    // Walk back a whole day or hour at a time when it cannot match, minute by minute otherwise.
    if (!dayMatches(cron, d) || !cron.month.has(d.getUTCMonth() + 1)) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - MINUTE
    } else if (!cron.hour.has(d.getUTCHours())) {
      t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()) - MINUTE
    } else if (cron.minute.has(d.getUTCMinutes())) {
      return d
    } else {
      t -= MINUTE
    }
  }
  return null
}
