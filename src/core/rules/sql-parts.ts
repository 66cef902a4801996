// SQL pieces shared by the rule compilers (compile-sql.ts, compile-next-change-sql.ts): placeholders, catalogue
// identifiers, and JSON reads that are NULL exactly where values.ts / event-match.ts read nothing. Pure core.
import { ComparisonOp, PropertyFilter } from "./ast"
import { decimalToString, toDecimal } from "./decimal"

export const PROFILE_TABLE = "personalization_customer_profile"
export const EVENT_TABLE = "personalization_behavior_event"
export const SEGMENT_TABLE = "personalization_segment"
export const MEMBERSHIP_TABLE = "personalization_segment_membership"

const SQL_IDENT_RE = /^[a-z_][a-z0-9_]{0,62}$/
// Mirror DECIMAL_RE in ast.ts and ISO_UTC_RE in time.ts (Postgres ARE syntax; standard_conforming_strings).
export const DECIMAL_SQL_RE = "'^-?[0-9]+(\\.[0-9]+)?$'"
export const ISO_UTC_SQL_RE =
  "'^([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(?:T([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\\.([0-9]{1,3}))?)?Z)?$'"

export const SQL_OP: Record<ComparisonOp, string> = { "=": "=", "!=": "<>", ">": ">", ">=": ">=", "<": "<", "<=": "<=" }

/** Values become $n placeholders (numbered from `first`) with an explicit cast; never text in the SQL. */
export class Params {
  readonly values: unknown[] = []
  constructor(private readonly first: number) {}
  add(value: unknown, cast: string): string {
    this.values.push(value)
    return `$${this.first + this.values.length - 1}::${cast}`
  }
}

/** A catalogue column or jsonb key, checked to be a plain identifier (catalogues come from plugin options). */
export function ident(name: string): string {
  if (!SQL_IDENT_RE.test(name)) throw new Error(`catalogue identifier '${name}' is not a plain SQL identifier`)
  return name
}

/** A JSON number, or a string matching DECIMAL_RE, as numeric; otherwise NULL. */
export function jsonNumeric(j: string): string {
  return (
    `(CASE jsonb_typeof(${j}) WHEN 'number' THEN (${j} #>> '{}')::numeric` +
    ` WHEN 'string' THEN (CASE WHEN (${j} #>> '{}') ~ ${DECIMAL_SQL_RE} THEN (${j} #>> '{}')::numeric END) END)`
  )
}

export function jsonString(j: string): string {
  return `(CASE WHEN jsonb_typeof(${j}) = 'string' THEN ${j} #>> '{}' END)`
}

/**
 * An ISO_UTC_RE string as timestamptz, built with timestamp arithmetic in UTC so that day overflow rolls over
 * like Date.UTC (and never raises, unlike a ::timestamptz cast); any other text is NULL.
 */
export function isoUtcTimestamp(text: string): string {
  return (
    `(SELECT (make_timestamp(r[1]::int, 1, 1, 0, 0, 0) + make_interval(months => r[2]::int - 1,` +
    ` days => r[3]::int - 1, hours => coalesce(r[4]::int, 0), mins => coalesce(r[5]::int, 0),` +
    ` secs => coalesce(r[6]::int, 0)) + coalesce(rpad(r[7], 3, '0')::int, 0) * interval '1 millisecond')` +
    ` AT TIME ZONE 'UTC' FROM regexp_match(${text}, ${ISO_UTC_SQL_RE}) AS r)`
  )
}

/**
 * An event property filter (alias `e`), mirroring filterMatches in event-match.ts: NULL (missing / other JSON type)
 * drops the event. A JSON array is read by its string elements (jsonb `?` / `?|` test exactly those).
 */
export function compileFilter(f: PropertyFilter, P: Params): string {
  const j = `(e.properties -> ${P.add(f.property, "text")})`
  if (f.op === "contains") {
    const v = P.add(f.value, "text")
    return `(CASE jsonb_typeof(${j}) WHEN 'array' THEN ${j} ? ${v} WHEN 'string' THEN strpos(${j} #>> '{}', ${v}) > 0 END)`
  }
  if (f.op === "in" || f.op === "not_in") {
    // `x <> ALL(list)` is NULL for a NULL x (missing property / other type), which drops the event like `x <> v`.
    const any = f.op === "in" ? "= ANY" : "<> ALL"
    const list = f.value as (string | number)[]
    if (typeof list[0] === "string") {
      const arr = P.add(list, "text[]")
      const hasAny = `${j} ?| ${arr}`
      return `(CASE WHEN jsonb_typeof(${j}) = 'array' THEN ${f.op === "in" ? hasAny : `NOT (${hasAny})`} ELSE ${jsonString(j)} ${any}(${arr}) END)`
    }
    return `(${jsonNumeric(j)} ${any}(${P.add(list.map((v) => decimalToString(toDecimal(v)!)), "numeric[]")}))`
  }
  const op = SQL_OP[f.op]
  const v = f.value
  if (typeof v === "string") return `(${jsonString(j)} ${op} ${P.add(v, "text")})`
  if (typeof v === "boolean")
    return `(CASE WHEN jsonb_typeof(${j}) = 'boolean' THEN (${j} #>> '{}')::boolean END ${op} ${P.add(v, "boolean")})`
  return `(${jsonNumeric(j)} ${op} ${P.add(decimalToString(toDecimal(v)!), "numeric")})`
}
