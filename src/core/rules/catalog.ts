/**
 * The trait catalogue: which traits a rule may name, their types, and where each lives in
 * personalization_customer_profile (a typed column, or a key of the `traits` jsonb column).
 * Identifiers in compiled SQL come only from here, never from rule input.
 */
import { NAME_RE, TraitType } from "./ast"

export type ColumnType = "integer" | "numeric" | "real" | "timestamptz" | "text" | "boolean"

/**
 * Where a trait's value comes from: a typed column, a key of the `traits` jsonb column, or — for a derived day
 * count — whole days elapsed since another (date) trait, computed at evaluation time from `now`:
 * `floor((now - <daysSince trait>) / 1 day)`, NULL when that date is NULL. Nothing is stored for a derived trait,
 * so it is always exact at any instant; evaluate, compileSql and nextChange all derive it from the base date.
 */
export type TraitSource = { column: string; columnType: ColumnType } | { jsonb: string } | { daysSince: string }

export interface TraitDef {
  name: string
  type: TraitType
  label: string
  description: string
  /** Allowed values of an enum trait. */
  values?: readonly string[]
  source: TraitSource
}

export type TraitCatalog = ReadonlyMap<string, TraitDef>

/** Words of the text syntax that cannot be trait names. */
export const RESERVED_WORDS = new Set([
  "and", "or", "not", "in", "between", "contains", "is", "null", "true", "false", "last",
  "event", "segment", "consent", "today",
])

const col = (
  name: string,
  type: TraitType,
  columnType: ColumnType,
  label: string,
  description: string
): TraitDef => ({ name, type, label, description, source: { column: name, columnType } })

const list = (name: string, label: string, description: string): TraitDef => ({
  name,
  type: "string_list",
  label,
  description,
  source: { jsonb: name },
})

// Whole days since a date trait (see TraitSource): a number trait whose value changes with time alone.
const daysSince = (name: string, base: string, label: string, description: string): TraitDef => ({
  name,
  type: "number",
  label,
  description,
  source: { daysSince: base },
})

/** The base date trait of a derived day count, or null for a stored trait. */
export function daysSinceBase(def: TraitDef): string | null {
  return "daysSince" in def.source ? def.source.daysSince : null
}

// Session context the storefront sends with tracked events (stored in p.traits).
const session = (name: string, type: TraitType, label: string, description: string, values?: string[]): TraitDef => ({
  name,
  type,
  label,
  description,
  source: { jsonb: name },
  ...(values ? { values } : {}),
})

const DEFAULT_TRAITS: TraitDef[] = [
  col("orders_count", "number", "integer", "Orders", "Number of orders placed"),
  col("total_spent", "money", "numeric", "Total spent", "Sum of order totals (store currency)"),
  col("aov", "money", "numeric", "Average order value", "total_spent / orders_count"),
  col("first_order_at", "date", "timestamptz", "First order", "When the first order was placed"),
  col("last_order_at", "date", "timestamptz", "Last order", "When the latest order was placed"),
  col("carts_created", "number", "integer", "Carts created", "Number of carts created"),
  col("carts_abandoned", "number", "integer", "Carts abandoned", "Carts left without checkout"),
  col("abandonment_rate", "number", "real", "Abandonment rate", "carts_abandoned / carts_created, 0..1"),
  col("last_seen_at", "date", "timestamptz", "Last seen", "Latest storefront activity"),
  col("country", "string", "text", "Country", "ISO 3166-1 alpha-2 code, upper case"),
  col("has_account", "boolean", "boolean", "Has account", "A registered customer, not a guest"),
  col("email_domain", "string", "text", "Email domain", "Domain part of the email address"),
  col("customer_created_at", "date", "timestamptz", "Customer since", "When the customer account was created"),
  daysSince("days_since_last_order", "last_order_at", "Days since last order", "Whole days since the latest order (null without orders)"),
  daysSince("customer_age_days", "customer_created_at", "Customer age (days)", "Whole days since the customer account was created"),
  col("rfm_r", "number", "integer", "RFM recency", "Recency score 1..5"),
  col("rfm_f", "number", "integer", "RFM frequency", "Frequency score 1..5"),
  col("rfm_m", "number", "integer", "RFM monetary", "Monetary score 1..5"),
  col("rfm_group", "string", "text", "RFM group", "Named RFM group, e.g. champions"),
  col("churn_risk", "number", "real", "Churn risk", "Estimated probability of churn, 0..1"),
  list("categories_bought", "Categories bought", "Handles of product categories ever bought"),
  list("products_bought", "Products bought", "Ids of products ever bought"),
  list("group_ids", "Customer groups", "Ids of the customer's Medusa customer groups"),
  list("tags", "Tags", "Free-form tags"),
  session("device_type", "enum", "Device", "Device of the latest tracked visit", ["desktop", "mobile", "tablet", "other"]),
  session("geo_country", "string", "Visit country", "Country the storefront reported for the latest visit (ISO-2)"),
]

export const defaultCatalog: TraitCatalog = new Map(DEFAULT_TRAITS.map((t) => [t.name, t]))

/** A merchant-declared metadata trait, stored under personalization_customer_profile.traits->'<name>'. */
export interface TraitDeclaration {
  name: string
  type: TraitType
  label?: string
  description?: string
  values?: readonly string[]
}

export class CatalogError extends Error {}

/** Returns a new catalogue with the declared traits added; throws CatalogError on a bad declaration. */
export function extendCatalog(base: TraitCatalog, declarations: readonly TraitDeclaration[]): TraitCatalog {
  const out = new Map(base)
  for (const d of declarations) {
    // The name becomes a jsonb key inlined in SQL, so it must be a plain identifier.
    if (!NAME_RE.test(d.name)) throw new CatalogError(`trait name '${d.name}' must match ${NAME_RE}`)
    if (RESERVED_WORDS.has(d.name)) throw new CatalogError(`trait name '${d.name}' is a reserved word`)
    if (out.has(d.name)) throw new CatalogError(`trait '${d.name}' is already declared`)
    const types: TraitType[] = ["number", "money", "string", "string_list", "date", "boolean", "enum"]
    if (!types.includes(d.type)) throw new CatalogError(`trait '${d.name}' has unknown type '${d.type}'`)
    if (d.type === "enum") {
      if (!d.values?.length) throw new CatalogError(`enum trait '${d.name}' needs a non-empty 'values' list`)
      if (d.values.some((v) => typeof v !== "string" || v.length > 500 || v.includes("\u0000")))
        throw new CatalogError(`enum trait '${d.name}' has an invalid value`)
    }
    out.set(d.name, {
      name: d.name,
      type: d.type,
      label: d.label ?? d.name,
      description: d.description ?? "",
      ...(d.type === "enum" ? { values: [...d.values!] } : {}),
      source: { jsonb: d.name },
    })
  }
  return out
}

/** The catalogue as plain JSON, for the admin rule editor. */
export function describeCatalog(catalog: TraitCatalog) {
  return [...catalog.values()].map(({ name, type, label, description, values }) => ({
    name,
    type,
    label,
    description,
    ...(values ? { values: [...values] } : {}),
  }))
}
