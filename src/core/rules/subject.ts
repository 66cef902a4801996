/** The subject a rule is evaluated against: a profile's traits, its recent events, memberships and consent. */
import { TraitCatalog, defaultCatalog } from "./catalog"

export type ConsentStatus = "granted" | "denied" | "withdrawn"

export interface SubjectEvent {
  type: string
  properties: Record<string, unknown>
  occurred_at: Date
}

export interface Subject {
  /** Keyed by trait name (not column): numbers as number or decimal string, dates as Date or ISO UTC string. */
  traits: Record<string, unknown>
  /** Non-deleted behaviour events; at least those within the longest window of the rule. */
  events: SubjectEvent[]
  /**
   * The segments the subject currently has an open, non-deleted membership in, keyed like the rule's references
   * (references.ts): ids for stored rules, handles for a rule as written.
   */
  segments: string[]
  consent: Record<string, ConsentStatus>
}

/**
 * Builds a subject's traits and consent from a personalization_customer_profile row as node-postgres returns
 * it (numeric as string, timestamptz as Date, jsonb parsed). Events and segments are loaded separately.
 */
export function subjectFromProfileRow(
  row: Record<string, unknown>,
  extra: { events?: SubjectEvent[]; segments?: string[] } = {},
  catalog: TraitCatalog = defaultCatalog
): Subject {
  const jsonTraits = isPlainObject(row.traits) ? row.traits : {}
  const traits: Record<string, unknown> = {}
  for (const def of catalog.values()) {
    const src = def.source
    // Derived day counts are not stored: evaluate() computes them from their base date trait.
    if ("daysSince" in src) continue
    const value = "column" in src ? row[src.column] : own(jsonTraits, src.jsonb)
    if (value !== undefined) traits[def.name] = value
  }
  const consent: Record<string, ConsentStatus> = {}
  if (isPlainObject(row.consent)) {
    for (const [purpose, entry] of Object.entries(row.consent)) {
      const status = isPlainObject(entry) ? entry.status : undefined
      if (status === "granted" || status === "denied" || status === "withdrawn") consent[purpose] = status
    }
  }
  return { traits, consent, events: extra.events ?? [], segments: extra.segments ?? [] }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date)
}

/** An own property (never one inherited from Object.prototype, e.g. 'constructor'). */
export function own(obj: unknown, key: string): unknown {
  return isPlainObject(obj) && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined
}
