/**
 * compileSql(rule, now) → a parameterized boolean SQL expression over `personalization_customer_profile p`.
 * compileSegmentQuery(rule, now) → the full membership query (ids of matching profiles).
 *
 * Safety: every value from the rule (strings, numbers, dates, event types, property names, handles, purposes)
 * is passed as a $n parameter. The only identifiers in the text are table/column names written here and
 * trait columns / jsonb keys taken from the catalogue (checked against a strict pattern).
 *
 * Agreement with evaluate(): each leaf is wrapped in COALESCE(…, false) so SQL's three-valued logic collapses to
 * the two-valued semantics documented in evaluate.ts, and each value expression yields NULL exactly when the
 * JS reader in values.ts does. Relative dates and windows are resolved in JS from `now` and sent as instants.
 */
import { ComparisonOp, EventCondition, PropertyFilter, Rule, Scalar, TraitCondition, windowMs } from "./ast"
import { TraitCatalog, TraitDef, defaultCatalog } from "./catalog"
import { ceilDecimal, dayThreshold, floorDecimal, isIntegral } from "./days"
import { decimalToString, toDecimal } from "./decimal"
import { dateOf, measureHolds, traitDef } from "./evaluate"
import { segmentKey } from "./references"
import {
  EVENT_TABLE,
  MEMBERSHIP_TABLE,
  PROFILE_TABLE,
  Params,
  SEGMENT_TABLE,
  SQL_OP,
  compileFilter,
  ident,
  isoUtcTimestamp,
  jsonNumeric,
  jsonString,
} from "./sql-parts"

export { EVENT_TABLE, MEMBERSHIP_TABLE, PROFILE_TABLE, SEGMENT_TABLE } from "./sql-parts"

export interface CompiledSql {
  text: string
  values: unknown[]
}

export interface CompileOptions {
  /** Number of the first placeholder ($1 by default), to embed the expression in a larger query. */
  firstParam?: number
}



export function compileSql(
  rule: Rule,
  now: Date,
  catalog: TraitCatalog = defaultCatalog,
  options: CompileOptions = {}
): CompiledSql {
  const params = new Params(options.firstParam ?? 1)
  const text = compileNode(rule, { params, now: now.getTime(), catalog, windows: null })
  return { text, values: params.values }
}

/**
 * The full membership query: ids of non-deleted profiles matching the rule. Every behavioural window is read in
 * one pass over the events (see the header); a rule without windows is a plain filter over the profiles.
 */
export function compileSegmentQuery(
  rule: Rule,
  now: Date,
  catalog: TraitCatalog = defaultCatalog,
  options: { consentPurpose?: string } = {}
): CompiledSql {
  const params = new Params(1)
  const windows = new Windows(params, now.getTime())
  const text = compileNode(rule, { params, now: now.getTime(), catalog, windows })
  const w = windows.table(rule)
  // consentPurpose: also select whether the profile consented to it (`consented`) and its customer_id, so a caller
  // gating on consent needs no second pass over the profiles.
  const extra =
    options.consentPurpose === undefined
      ? ""
      : `, p.customer_id, COALESCE((p.consent -> ${params.add(options.consentPurpose, "text")} ->> 'status') = 'granted', false) AS consented`
  const select = `SELECT p.id${extra} FROM ${PROFILE_TABLE} p`
  const where = `WHERE p.deleted_at IS NULL AND (${text})`
  if (!w) return { text: `${select} ${where}`, values: params.values }
  // The window aggregate is a MATERIALIZED CTE (computed once), not a derived table: as a derived table under the
  // inner side of a hash join in a parallel plan, every worker recomputed it over the events (loops=3 at 1M
  // profiles; 3x the event reads and CPU).
  return {
    text: `WITH w AS MATERIALIZED (${w.query}) ${select} ${w.inner ? "JOIN" : "LEFT JOIN"} w ON w.profile_id = p.id ${where}`,
    values: params.values,
  }
}

interface Ctx {
  params: Params
  now: number
  catalog: TraitCatalog
  /** Set by compileSegmentQuery: windows become columns of the one-pass aggregate `w` instead of subqueries. */
  windows: Windows | null
}

function compileNode(rule: Rule, ctx: Ctx): string {
  switch (rule.type) {
    case "and":
    case "or":
      return `(${rule.rules.map((r) => compileNode(r, ctx)).join(rule.type === "and" ? " AND " : " OR ")})`
    case "not":
      return `(NOT ${compileNode(rule.rule, ctx)})`
    case "trait":
      return compileTrait(rule, ctx)
    case "event":
      return compileEvent(rule, ctx)
    case "segment":
      return (
        `EXISTS (SELECT 1 FROM ${MEMBERSHIP_TABLE} m JOIN ${SEGMENT_TABLE} s ON s.id = m.segment_id` +
        ` WHERE m.profile_id = p.id AND m.exited_at IS NULL AND m.deleted_at IS NULL AND s.deleted_at IS NULL` +
        // Only active segments have members (as the pipeline's subject loader counts them).
        ` AND s.status = 'active'` +
        // By id when the reference has one (a stored rule); a rule as written names the handle (references.ts).
        ` AND ${rule.id !== undefined ? "s.id" : "s.handle"} = ${ctx.params.add(segmentKey(rule), "text")})`
      )
    case "consent":
      return `COALESCE((p.consent -> ${ctx.params.add(rule.purpose, "text")} ->> 'status') = 'granted', false)`
  }
}

// ---- value expressions (NULL exactly when values.ts reads NULL) -------------------------------------------

/** `p.traits -> 'key'` for a catalogue jsonb key. */
function jsonbOf(def: TraitDef): string {
  if (!("jsonb" in def.source)) throw new Error(`trait '${def.name}' is not stored in p.traits`)
  return `(p.traits -> '${ident(def.source.jsonb)}')`
}



function traitValueSql(def: TraitDef): string {
  if ("column" in def.source) {
    const column = `p.${ident(def.source.column)}`
    // float4 is compared through its text form, which is what node-postgres hands evaluate() as a number.
    if (def.source.columnType === "real") return `(${column}::text::numeric)`
    return column
  }
  const j = jsonbOf(def)
  switch (def.type) {
    case "number":
    case "money":
      return jsonNumeric(j)
    case "string":
    case "enum":
      return jsonString(j)
    case "boolean":
      return `(CASE WHEN jsonb_typeof(${j}) = 'boolean' THEN (${j} #>> '{}')::boolean END)`
    case "date":
      return isoUtcTimestamp(jsonString(j))
    case "string_list":
      throw new Error("list traits are compiled separately")
  }
}

// ---- traits ----------------------------------------------------------------------------------------------

function compileTrait(c: TraitCondition, ctx: Ctx): string {
  const def = traitDef(ctx.catalog, c.trait)
  const P = ctx.params
  if ("daysSince" in def.source) return compileDaysSince(c, traitDef(ctx.catalog, def.source.daysSince), ctx)
  if (def.type === "string_list") {
    const j = jsonbOf(def)
    const isArray = `jsonb_typeof(${j}) = 'array'`
    switch (c.op) {
      case "is_null":
        return `(jsonb_typeof(${j}) IS DISTINCT FROM 'array')`
      case "is_not_null":
        return `COALESCE(${isArray}, false)`
      case "contains":
        return `COALESCE(${isArray} AND ${j} ? ${P.add(c.value, "text")}, false)`
      case "in":
        return `COALESCE(${isArray} AND ${j} ?| ${P.add(c.value, "text[]")}, false)`
      case "not_in":
        return `COALESCE(${isArray} AND NOT (${j} ?| ${P.add(c.value, "text[]")}), false)`
      default:
        throw new Error(`operator '${c.op}' does not apply to list trait '${c.trait}'`)
    }
  }

  const x = traitValueSql(def)
  const cast = { number: "numeric", money: "numeric", date: "timestamptz", string: "text", enum: "text", boolean: "boolean" }[
    def.type
  ]
  const param = (v: Scalar) => P.add(sqlValue(def, v, ctx.now), cast)
  const arrayParam = (vs: Scalar[]) => P.add(vs.map((v) => sqlValue(def, v, ctx.now)), `${cast}[]`)
  switch (c.op) {
    case "is_null":
      return `(${x} IS NULL)`
    case "is_not_null":
      return `(${x} IS NOT NULL)`
    case "between":
      return `COALESCE(${x} BETWEEN ${param(c.value[0])} AND ${param(c.value[1])}, false)`
    case "not_between":
      return `COALESCE(${x} NOT BETWEEN ${param(c.value[0])} AND ${param(c.value[1])}, false)`
    case "in":
      return `COALESCE(${x} = ANY(${arrayParam(c.value)}), false)`
    case "not_in":
      return `COALESCE(NOT (${x} = ANY(${arrayParam(c.value)})), false)`
    case "contains":
      return `COALESCE(strpos(${x}, ${P.add(c.value, "text")}) > 0, false)`
    default:
      return `COALESCE(${x} ${SQL_OP[c.op]} ${param(c.value)}, false)`
  }
}

// ---- derived day counts (days.ts) ---------------------------------------------------------------------------

// Thresholds outside years 1..9999 are sent as ±infinity: no stored instant lies beyond them, so `t <= -infinity`
// is false and `t <= infinity` true exactly where the JS comparison with the far-away instant is.
const FIRST_INSTANT = -62_135_596_800_000n // 0001-01-01T00:00:00.000Z
const LAST_INSTANT = 253_402_300_799_999n // 9999-12-31T23:59:59.999Z

function sqlInstant(ms: bigint): string {
  if (ms < FIRST_INSTANT) return "-infinity"
  if (ms > LAST_INSTANT) return "infinity"
  return new Date(Number(ms)).toISOString()
}

/**
 * `<days trait> op N` as comparisons of the base date t with instants now - k days (see days.ts):
 * atLeast(k) is `days >= k`, below(k) is `days < k`; both are NULL when t is NULL, and COALESCE makes that false.
 */
function compileDaysSince(c: TraitCondition, base: TraitDef, ctx: Ctx): string {
  if (base.type !== "date") throw new Error(`derived trait '${c.trait}' needs a date trait, '${base.name}' is ${base.type}`)
  const t = traitValueSql(base)
  const P = ctx.params
  const at = (k: bigint) => P.add(sqlInstant(dayThreshold(ctx.now, k)), "timestamptz")
  const atLeast = (k: bigint) => `(${t} <= ${at(k)})`
  const below = (k: bigint) => `(${t} > ${at(k)})`
  const dec = (v: Scalar) => {
    const d = toDecimal(v)
    if (!d) throw new Error(`trait '${c.trait}' compares with numbers, got ${JSON.stringify(v)}`)
    return d
  }
  const cmp = (op: ComparisonOp, v: Scalar): string => {
    const n = dec(v)
    switch (op) {
      case ">=":
        return atLeast(ceilDecimal(n))
      case ">":
        return atLeast(floorDecimal(n) + 1n)
      case "<=":
        return below(floorDecimal(n) + 1n)
      case "<":
        return below(ceilDecimal(n))
      case "=":
        return isIntegral(n) ? `(${atLeast(floorDecimal(n))} AND ${below(floorDecimal(n) + 1n)})` : "false"
      case "!=":
        return isIntegral(n) ? `(${below(floorDecimal(n))} OR ${atLeast(floorDecimal(n) + 1n)})` : `(${t} IS NOT NULL)`
    }
  }
  /** One (lo, hi] range of t per integral value: days = k ⇔ now-(k+1)d < t <= now-kd. No row when t is NULL. */
  const anyOf = (values: Scalar[]): string => {
    const ks = [...new Set(values.map(dec).filter(isIntegral).map((d) => floorDecimal(d).toString()))].map(BigInt)
    if (!ks.length) return "false"
    const lo = P.add(ks.map((k) => sqlInstant(dayThreshold(ctx.now, k + 1n))), "timestamptz[]")
    const hi = P.add(ks.map((k) => sqlInstant(dayThreshold(ctx.now, k))), "timestamptz[]")
    return `EXISTS (SELECT 1 FROM unnest(${lo}, ${hi}) AS r(lo, hi) WHERE ${t} > r.lo AND ${t} <= r.hi)`
  }
  switch (c.op) {
    case "is_null":
      return `(${t} IS NULL)`
    case "is_not_null":
      return `(${t} IS NOT NULL)`
    case "between":
      return `COALESCE(${cmp(">=", c.value[0])} AND ${cmp("<=", c.value[1])}, false)`
    case "not_between":
      return `COALESCE(${t} IS NOT NULL AND NOT (${cmp(">=", c.value[0])} AND ${cmp("<=", c.value[1])}), false)`
    case "in":
      return `COALESCE(${anyOf(c.value)}, false)`
    case "not_in":
      return `COALESCE(${t} IS NOT NULL AND NOT ${anyOf(c.value)}, false)`
    case "contains":
      throw new Error(`operator 'contains' does not apply to number trait '${c.trait}'`)
    default:
      return `COALESCE(${cmp(c.op, c.value)}, false)`
  }
}

/** The parameter value: exact decimal text for numbers, an ISO instant for dates, the value otherwise. */
function sqlValue(def: TraitDef, v: Scalar, now: number): unknown {
  if (def.type === "number" || def.type === "money") return decimalToString(toDecimal(v)!)
  if (def.type === "date") return new Date(dateOf(v, now)).toISOString()
  return v
}

// ---- behavioural windows ---------------------------------------------------------------------------------

function compileEvent(c: EventCondition, ctx: Ctx): string {
  if (ctx.windows) return ctx.windows.condition(c)
  const P = ctx.params
  const where = [
    "e.profile_id = p.id",
    "e.deleted_at IS NULL",
    `e.type = ${P.add(c.event, "text")}`,
    // The window is (now - N, now], as in event-match.ts.
    `e.occurred_at > ${P.add(new Date(ctx.now - windowMs(c.window)).toISOString(), "timestamptz")}`,
    `e.occurred_at <= ${P.add(new Date(ctx.now).toISOString(), "timestamptz")}`,
    ...c.where.map((f) => compileFilter(f, P)),
  ]
  const from = `FROM ${EVENT_TABLE} e WHERE ${where.join(" AND ")}`
  switch (c.measure) {
    case "exists":
      return `EXISTS (SELECT 1 ${from})`
    case "none":
      return `(NOT EXISTS (SELECT 1 ${from}))`
    case "count":
    case "sum": {
      const agg =
        c.measure === "count"
          ? `(SELECT count(*) ${from})`
          : `(SELECT COALESCE(sum(${jsonNumeric(`(e.properties -> ${P.add(c.property, "text")})`)}), 0) ${from})`
      const num = (v: string | number) => P.add(decimalToString(toDecimal(v)!), "numeric")
      if (c.op === "between") return `(${agg} BETWEEN ${num(c.value[0])} AND ${num(c.value[1])})`
      return `(${agg} ${SQL_OP[c.op]} ${num(c.value)})`
    }
  }
}

/** The measured value compared as in evaluate(): count, or COALESCE(sum, 0), against numeric parameters. */
function compareMeasure(c: EventCondition, agg: string, P: Params): string {
  switch (c.measure) {
    case "exists":
      return `(${agg} > 0)`
    case "none":
      return `(${agg} = 0)`
    default: {
      const num = (v: string | number) => P.add(decimalToString(toDecimal(v)!), "numeric")
      if (c.op === "between") return `(${agg} BETWEEN ${num(c.value[0])} AND ${num(c.value[1])})`
      return `(${agg} ${SQL_OP[c.op]} ${num(c.value)})`
    }
  }
}

const ZERO_MEASURE = { mantissa: 0n, scale: 0 }

interface WindowScan {
  /** n0, n1, … : the column of this window's count in `w`. */
  count: string
  /** The window's predicate on `e` (type, time bounds, property filters). */
  where: string
  /** property name → column of COALESCE(sum(property), 0) in `w`. */
  sums: Map<string, { column: string; expr: string }>
}

/**
 * The windows of one rule, keyed by (event type, filters, window): conditions over the same events share a column.
 * condition() returns the comparison over `w`'s columns; table() the aggregate, once every condition is compiled.
 */
class Windows {
  private readonly scans = new Map<string, WindowScan>()
  private sumCount = 0
  constructor(private readonly params: Params, private readonly now: number) {}

  condition(c: EventCondition): string {
    const scan = this.scan(c)
    let column = scan.count
    if (c.measure === "sum") {
      let s = scan.sums.get(c.property)
      if (!s) {
        s = { column: `s${this.sumCount++}`, expr: jsonNumeric(`(e.properties -> ${this.params.add(c.property, "text")})`) }
        scan.sums.set(c.property, s)
      }
      column = s.column
    }
    // No row in w: no event in any of the rule's windows, so every measure is 0 (evaluate's empty count / sum).
    return compareMeasure(c, `COALESCE(w.${column}, 0)`, this.params)
  }

  private scan(c: EventCondition): WindowScan {
    const key = JSON.stringify([c.event, c.where, c.window.amount, c.window.unit])
    let scan = this.scans.get(key)
    if (!scan) {
      const P = this.params
      const where = [
        `e.type = ${P.add(c.event, "text")}`,
        // The window is (now - N, now], as in event-match.ts.
        `e.occurred_at > ${P.add(new Date(this.now - windowMs(c.window)).toISOString(), "timestamptz")}`,
        `e.occurred_at <= ${P.add(new Date(this.now).toISOString(), "timestamptz")}`,
        ...c.where.map((f) => compileFilter(f, P)),
      ].join(" AND ")
      scan = { count: `n${this.scans.size}`, where: `(${where})`, sums: new Map() }
      this.scans.set(key, scan)
    }
    return scan
  }

  /**
   * The one-pass aggregate over the rule's windows (`profile_id` and its columns), and whether the profiles join it
   * with an inner join (the rule cannot hold without an event in some window) or a LEFT JOIN; null without windows.
   */
  table(rule: Rule): { query: string; inner: boolean } | null {
    if (!this.scans.size) return null
    const scans = [...this.scans.values()]
    const single = scans.length === 1
    // One scan: its predicate is the WHERE. Several: one pass over their union, each column FILTERed to its window.
    const filter = (s: WindowScan) => (single ? "" : ` FILTER (WHERE ${s.where})`)
    const columns = scans.flatMap((s) => [
      `count(*)${filter(s)} AS ${s.count}`,
      ...[...s.sums.values()].map((x) => `COALESCE(sum(${x.expr})${filter(s)}, 0) AS ${x.column}`),
    ])
    const where = single ? scans[0].where : `(${scans.map((s) => s.where).join(" OR ")})`
    const query =
      `SELECT e.profile_id, ${columns.join(", ")} FROM ${EVENT_TABLE} e` +
      ` WHERE e.deleted_at IS NULL AND ${where} GROUP BY e.profile_id`
    return { query, inner: requiresEvents(rule) }
  }
}

/**
 * True when the rule cannot hold for a profile with no event in any window: some conjunct on the top-level AND
 * chain is a window condition that is false at 0 (e.g. `count >= 1`, `exists`, `sum > 0`).
 */
function requiresEvents(rule: Rule): boolean {
  if (rule.type === "and") return rule.rules.some(requiresEvents)
  return rule.type === "event" && !measureHolds(rule, ZERO_MEASURE)
}

