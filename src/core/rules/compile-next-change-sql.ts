/**
 * compileNextChangeSql(rule, now) → one set-based query giving, per profile, an instant > now that is NEVER LATER
 * than nextChange(rule, subject, now) (next-change.ts) when that is not null. The batch refresh lowers
 * next_change_at to it; the minute job then re-evaluates the profile there and the per-profile planner stores the
 * exact next change. Too early only costs an extra re-evaluation; too late would miss an exact-time exit or entry.
 *
 * Why it is sound: evaluate() is a function of the rule's leaves, so the rule cannot flip before its first leaf
 * does; the query yields, per profile, the minimum over the time-dependent leaves of a lower bound of that leaf's
 * first flip after `now` (segment('x') and consent leaves do not change with time alone and are ignored):
 *
 * - `x op -Nd` (x a date trait): the candidates x + N and x + N + 1 ms (next-change.ts); the first one > now.
 * - `x op today`: the UTC midnight at or after x and the one after; the first one > now.
 * - day counts (`days_since_last_order op N`): x + k days for k = floor(N), floor(N) + 1; the first one > now.
 * - `event(...).count(last W) op N`, exists, none: without events after `now` the count only falls, and it falls
 *   below k exactly at te_k + W, te_k being the k-th newest matching event in the window. `op N` reads the count
 *   only through thresholds k (>= N: ceil(N); > N: floor(N)+1; < / <= the same; = / != an integral N: N and N+1;
 *   between a and b: ceil(a), floor(b)+1), so the leaf flips at the earliest te_k + W that exists, or never. Exact
 *   for `count >= n` (the n-th newest event + W is the exit). A matching event after `now` (te > now) can change
 *   the count at te: the first such te is a candidate too (until then the window holds only events <= now).
 * - `sum`: any event leaving the window can change the sum: the oldest matching event in the window + W.
 *
 * Times are compared at millisecond precision (date_trunc), as node-postgres hands them to nextChange. The query
 * selects `(profile_id, at)`, one row per non-deleted profile that has a candidate, with the consent gate when a
 * purpose is given. Every value is a $n parameter; identifiers come from the catalogue, as in compile-sql.ts.
 * No @medusajs import: pure core.
 */
import { DAY_MS, EventCondition, PropertyFilter, Rule, isRelative, walk, windowMs } from "./ast"
import { TraitCatalog, TraitDef, daysSinceBase, defaultCatalog } from "./catalog"
import { ceilDecimal, floorDecimal, isIntegral } from "./days"
import { Decimal, decimalToString, toDecimal } from "./decimal"
import { traitDef } from "./evaluate"
import { relativeOffsetMs } from "./time"
import { EVENT_TABLE, PROFILE_TABLE, Params, compileFilter, ident, isoUtcTimestamp, jsonString } from "./sql-parts"

export interface NextChangeSql {
  /** `SELECT profile_id, at …`: at most one row per profile, `at` a timestamptz > now. */
  text: string
  values: unknown[]
}

export interface NextChangeSqlOptions {
  /** Only profiles whose consent for this purpose is granted (the gate planMembership applies). */
  consentPurpose?: string | null
  /** Number of the first placeholder ($1 by default). */
  firstParam?: number
}

/** The latest instant a JS Date holds: a trait beyond it is NULL for nextChange (and would overflow below). */
const MAX_DATE_MS = 8_640_000_000_000_000n
const MAX_DATE_SQL = "'275760-09-13 00:00:00+00'::timestamptz"
/** |k| beyond this many days lies outside any timestamp Postgres or JS can hold. */
const MAX_DAYS = 200_000_000n
/** Thresholds beyond this are unreachable by a count. */
const MAX_COUNT = 2_147_483_647n

/** Null when nothing in the rule changes with time alone (no candidate can ever exist). */
export function compileNextChangeSql(
  rule: Rule,
  now: Date,
  catalog: TraitCatalog = defaultCatalog,
  options: NextChangeSqlOptions = {}
): NextChangeSql | null {
  const P = new Params(options.firstParam ?? 1)
  const t0 = now.getTime()
  const nowSql = P.add(now.toISOString(), "timestamptz")
  const traitCandidates: string[] = []
  const eventQueries: string[] = []

  walk(rule, (node) => {
    if (node.type === "trait" && "value" in node) {
      const def = traitDef(catalog, node.trait)
      const values = Array.isArray(node.value) ? node.value : [node.value]
      const base = daysSinceBase(def)
      if (base !== null) {
        // days >= k flips at x + k days; the op reads the count only through the thresholds k.
        const x = dateSql(traitDef(catalog, base))
        const ks = thresholds(node.op, values.map((v) => toDecimal(v as string | number)))
        for (const k of ks === "any" ? [] : ks) {
          const c = plusDaysCandidate(x, k, t0, P)
          if (c) traitCandidates.push(c)
        }
        return
      }
      if (def.type !== "date") return
      const x = dateSql(def)
      for (const [i, v] of values.entries()) {
        if (!isRelative(v)) continue
        const op = node.op === "between" || node.op === "not_between" ? (i === 0 ? ">=" : "<=") : node.op
        if (v.relative === "today") {
          // x op (the midnight starting t's UTC day): x >= / < flip at the first midnight after x, the others at
          // the first midnight at or after x; sod(x) is the midnight at or before x (UTC timestamps: no DST).
          const sod = `(date_trunc('day', ${x} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`
          const first = op === ">=" || op === "<" ? "" : ` WHEN ${sod} > ${nowSql} THEN ${sod}`
          traitCandidates.push(
            `(CASE WHEN ${x} > ${MAX_DATE_SQL} THEN NULL${first}` +
              ` WHEN ${sod} + interval '1 day' > ${nowSql} THEN ${sod} + interval '1 day' END)`
          )
        } else {
          // `x op now - d`: x < / >= flip at x + d + 1 ms, x <= / > at x + d, = / != / in at both ([not] between: its
          // lower bound is a >=, its upper a <=). The first of them after now.
          const d = relativeOffsetMs(v)
          const ends = op === "<" || op === ">=" ? [1] : op === "<=" || op === ">" ? [0] : [0, 1]
          const lo = P.add(instant(BigInt(t0) - BigInt(d) - BigInt(ends[ends.length - 1])), "timestamptz")
          const at =
            ends.length === 2
              ? `GREATEST(${x} + ${P.add(`${d} milliseconds`, "interval")}, ${P.add(new Date(t0 + 1).toISOString(), "timestamptz")})`
              : `${x} + ${P.add(`${d + ends[0]} milliseconds`, "interval")}`
          traitCandidates.push(`(CASE WHEN ${x} > ${lo} AND ${x} <= ${MAX_DATE_SQL} THEN ${at} END)`)
        }
      }
    } else if (node.type === "event") {
      eventQueries.push(eventCandidates(node, t0, nowSql, P))
    }
  })
  if (!traitCandidates.length && !eventQueries.length) return null

  const parts: string[] = []
  if (traitCandidates.length) {
    const least = traitCandidates.length === 1 ? traitCandidates[0] : `LEAST(${traitCandidates.join(", ")})`
    parts.push(`SELECT p.id AS profile_id, ${least} AS at FROM ${PROFILE_TABLE} p WHERE p.deleted_at IS NULL`)
  }
  parts.push(...eventQueries)
  const consent = options.consentPurpose
    ? ` AND COALESCE((p.consent -> ${P.add(options.consentPurpose, "text")} ->> 'status') = 'granted', false)`
    : ""
  const text =
    `SELECT c.profile_id, MIN(c.at) AS at FROM (${parts.join(" UNION ALL ")}) c` +
    ` JOIN ${PROFILE_TABLE} p ON p.id = c.profile_id` +
    ` WHERE c.at > ${nowSql} AND p.deleted_at IS NULL${consent} GROUP BY c.profile_id`
  return { text, values: P.values }
}

// ---- traits ------------------------------------------------------------------------------------------------

/** A date trait as timestamptz at millisecond precision, NULL exactly where values.ts reads NULL. */
function dateSql(def: TraitDef): string {
  if (def.type !== "date") throw new Error(`trait '${def.name}' is not a date`)
  if ("column" in def.source) return `date_trunc('milliseconds', p.${ident(def.source.column)})`
  if (!("jsonb" in def.source)) throw new Error(`trait '${def.name}' has no stored value`)
  const j = `(p.traits -> '${ident(def.source.jsonb)}')`
  return isoUtcTimestamp(jsonString(j))
}

/** x + k days when that lies in (now, the last JS instant]; the guards keep the arithmetic in range. */
function plusDaysCandidate(x: string, k: bigint, t0: number, P: Params): string | null {
  if (k > MAX_DAYS || k < -MAX_DAYS) return null
  const D = BigInt(DAY_MS)
  const lo = BigInt(t0) - k * D // x + k days > now ⇔ x > now - k days
  const hi = MAX_DATE_MS - k * D
  if (hi <= lo) return null
  const hiSql = hi >= MAX_DATE_MS ? MAX_DATE_SQL : P.add(instant(hi), "timestamptz")
  const plus = `((${x} AT TIME ZONE 'UTC') + make_interval(days => ${P.add(k.toString(), "int")})) AT TIME ZONE 'UTC'`
  return `(CASE WHEN ${x} > ${P.add(instant(lo), "timestamptz")} AND ${x} <= ${hiSql} THEN ${plus} END)`
}

/** An instant as a timestamptz literal; before year 1 as -infinity (Postgres and Date agree from there on). */
function instant(ms: bigint): string {
  if (ms < -62_135_596_800_000n) return "-infinity"
  if (ms > MAX_DATE_MS) return "infinity"
  const iso = new Date(Number(ms)).toISOString()
  // Years beyond 9999 come as +0YYYYY-…; Postgres reads the plain year.
  return iso.startsWith("+") ? iso.slice(1).replace(/^0+/, "") : iso
}

// ---- behavioural windows -------------------------------------------------------------------------------------

/**
 * The thresholds k (`n >= k`) through which `n op value` reads an integer n (a count, a day count): >= N and < N
 * read ceil(N); > N and <= N read floor(N) + 1; = / != / in an integral N read N and N + 1 (a non-integral N is
 * constant); [not] between a and b: ceil(a) and floor(b) + 1. "any" when a value is not a number (never, once valid).
 */
function thresholds(op: string, values: (Decimal | null)[]): bigint[] | "any" {
  if (values.some((v) => v === null)) return "any"
  const ds = values as Decimal[]
  switch (op) {
    case ">=":
    case "<":
      return [ceilDecimal(ds[0])]
    case ">":
    case "<=":
      return [floorDecimal(ds[0]) + 1n]
    case "between":
    case "not_between":
      return [ceilDecimal(ds[0]), floorDecimal(ds[1]) + 1n]
    case "=":
    case "!=":
    case "in":
    case "not_in":
      return ds.filter(isIntegral).flatMap((d) => [floorDecimal(d), floorDecimal(d) + 1n])
    default:
      return []
  }
}

/** The count thresholds k (count >= k) that the condition reads; k < 1 always holds and never flips. */
function countThresholds(c: EventCondition): bigint[] | "any" {
  if (c.measure === "exists" || c.measure === "none") return [1n]
  if (c.measure !== "count") return "any" // sum
  const ks = thresholds(c.op, (Array.isArray(c.value) ? c.value : [c.value]).map((v) => toDecimal(v)))
  if (ks === "any") return ks
  return [...new Set(ks.filter((k) => k >= 1n && k <= MAX_COUNT).map(String))].map(BigInt)
}

function eventCandidates(c: EventCondition, t0: number, nowSql: string, P: Params): string {
  const W = windowMs(c.window)
  const from = P.add(new Date(t0 - W).toISOString(), "timestamptz")
  const w = () => P.add(`${W} milliseconds`, "interval")
  const te = "date_trunc('milliseconds', e.occurred_at)"
  const where = [
    "e.deleted_at IS NULL",
    `e.type = ${P.add(c.event, "text")}`,
    // occurred_at > from is implied by te > from (te <= occurred_at) and lets the type/time index serve the scan.
    `e.occurred_at > ${from}`,
    `${te} > ${from}`,
    ...c.where.map((f) => filterSql(f, P)),
  ].join(" AND ")
  const future = `MIN(x.te) FILTER (WHERE x.te > ${nowSql})`
  const ks = countThresholds(c)
  if (ks === "any" || (ks.length === 1 && ks[0] === 1n)) {
    // sum: the oldest counted event + W; a single threshold 1 (exists, none, count >= 1): the newest + W.
    const agg = ks === "any" ? "MIN" : "MAX"
    return (
      `SELECT x.profile_id, LEAST(${agg}(x.te) FILTER (WHERE x.te <= ${nowSql}) + ${w()}, ${future}) AS at` +
      ` FROM (SELECT e.profile_id, ${te} AS te FROM ${EVENT_TABLE} e WHERE ${where}) x GROUP BY x.profile_id`
    )
  }
  if (!ks.length) {
    // The count is never read (e.g. `= 2.5`): only a new event could matter, and only if it is one after now.
    return (
      `SELECT x.profile_id, ${future} AS at` +
      ` FROM (SELECT e.profile_id, ${te} AS te FROM ${EVENT_TABLE} e WHERE ${where}) x GROUP BY x.profile_id`
    )
  }
  // te_k = the k-th newest counted event (row_number over the events <= now, newest first).
  const kSql = P.add(
    ks.map((k) => k.toString()),
    "bigint[]"
  )
  return (
    `SELECT x.profile_id, LEAST(MIN(x.te) FILTER (WHERE x.te <= ${nowSql} AND x.rn = ANY(${kSql})) + ${w()}, ${future}) AS at` +
    ` FROM (SELECT e.profile_id, ${te} AS te,` +
    ` row_number() OVER (PARTITION BY e.profile_id, ${te} <= ${nowSql} ORDER BY ${te} DESC) AS rn` +
    ` FROM ${EVENT_TABLE} e WHERE ${where}) x GROUP BY x.profile_id`
  )
}

/** A property filter, as compile-sql.ts / event-match.ts: a missing property or another JSON type drops the event. */
function filterSql(f: PropertyFilter, P: Params): string {
  return `COALESCE(${compileFilter(f, P)}, false)`
}
