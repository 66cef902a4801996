// Server-side behaviour facts (core/behaviour): read the stored ones, and the SQL that writes a reconciliation and
// undoes it. Used inside the refresh's membership transaction (module service) and by batch writers (backfill).
import { SERVER_FACT_TYPES, type FactChanges, type ServerFact, type StoredFact } from "../../core/behaviour"
import { entityIds } from "../db/entity-ids"
import { sql } from "../db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }

/** A fact row as it travels between workflow steps (serializable: the instant as ISO text). */
export type FactRow = {
  id: string
  client_id: string
  type: string
  properties: Record<string, unknown>
  occurred_at: string
}

/** What one profile's reconciliation writes, and what its undo restores. */
export type FactWrite = {
  profile_id: string
  /** Inserted, or replacing the stored row with the same client_id (which keeps its id). */
  upsert: FactRow[]
  /** Stored rows to delete. */
  remove: FactRow[]
  /** Stored rows the upserts replace (restored by the undo). */
  replaced: FactRow[]
}

export type Statement = { text: string; values: unknown[] }

const toRow = (f: ServerFact & { id?: string }, id: string): FactRow => ({
  id: f.id ?? id,
  client_id: f.client_id,
  type: f.type,
  properties: f.properties,
  occurred_at: new Date(f.occurred_at).toISOString(),
})

/** The stored server facts of these customers' profiles (merged visitor rows excluded: they never hold any). */
export async function readStoredFacts(container: Resolver, customerIds: string[]): Promise<Map<string, StoredFact[]>> {
  const out = new Map<string, StoredFact[]>()
  if (!customerIds.length) return out
  const rows = await sql<{ customer_id: string; id: string; client_id: string; type: string; properties: Record<string, unknown>; occurred_at: Date }>(
    container,
    `SELECT p.customer_id, e.id, e.client_id, e.type, e.properties, e.occurred_at
       FROM personalization_customer_profile p
       JOIN personalization_behavior_event e ON e.profile_id = p.id AND e.deleted_at IS NULL AND e.type = ANY($2::text[])
      WHERE p.customer_id = ANY($1::text[]) AND p.deleted_at IS NULL
      ORDER BY e.occurred_at, e.id`,
    [customerIds, SERVER_FACT_TYPES]
  )
  for (const r of rows) {
    const list = out.get(r.customer_id) ?? []
    list.push({ id: r.id, client_id: r.client_id, type: r.type as StoredFact["type"], properties: r.properties ?? {}, occurred_at: new Date(r.occurred_at) })
    out.set(r.customer_id, list)
  }
  return out
}

/** The write for one profile's changes (null when there is nothing to write). */
export function planFactWrite(profileId: string, changes: FactChanges, stored: readonly StoredFact[], now: Date = new Date()): FactWrite | null {
  if (!changes.upsert.length && !changes.remove.length) return null
  const byKey = new Map(stored.map((f) => [f.client_id, f]))
  const ids = entityIds("pevt", changes.upsert.length, now.getTime())
  const replaced: FactRow[] = []
  const upsert = changes.upsert.map((f, i) => {
    const old = byKey.get(f.client_id)
    if (old) replaced.push(toRow(old, old.id))
    return toRow({ ...f, id: old?.id }, ids[i])
  })
  return { profile_id: profileId, upsert, remove: changes.remove.map((f) => toRow(f, f.id)), replaced }
}

const UPSERT_SQL = `INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, properties, occurred_at)
  SELECT r.id, $1, r.client_id, r.type, r.properties, r.occurred_at
    FROM jsonb_to_recordset($2::jsonb) AS r(id text, client_id text, type text, properties jsonb, occurred_at timestamptz)
  ON CONFLICT (profile_id, client_id) WHERE deleted_at IS NULL
  DO UPDATE SET type = EXCLUDED.type, properties = EXCLUDED.properties, occurred_at = EXCLUDED.occurred_at, updated_at = now()`

/**
 * Statements applying a write, in order. `$n` placeholders, each used once and in order, and lists passed as one JSON
 * value (knex would expand an array parameter into a list): see toKnex.
 */
export function factWriteSql(w: FactWrite): Statement[] {
  const out: Statement[] = []
  if (w.remove.length) {
    out.push({
      text: `DELETE FROM personalization_behavior_event WHERE profile_id = $1 AND id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
      values: [w.profile_id, JSON.stringify(w.remove.map((r) => r.id))],
    })
  }
  if (w.upsert.length) out.push({ text: UPSERT_SQL, values: [w.profile_id, JSON.stringify(w.upsert)] })
  return out
}

/** Statements undoing a write: the upserted keys go, the replaced and removed rows come back as they were. */
export function factUndoSql(w: FactWrite): Statement[] {
  const out: Statement[] = []
  if (w.upsert.length) {
    out.push({
      text: `DELETE FROM personalization_behavior_event
              WHERE profile_id = $1 AND deleted_at IS NULL AND client_id IN (SELECT jsonb_array_elements_text($2::jsonb))`,
      values: [w.profile_id, JSON.stringify(w.upsert.map((r) => r.client_id))],
    })
  }
  const restore = [...w.replaced, ...w.remove]
  if (restore.length) out.push({ text: UPSERT_SQL, values: [w.profile_id, JSON.stringify(restore)] })
  return out
}

/**
 * The writes of many profiles as two statements (a backfill page): one DELETE of every removed row, one upsert of
 * every new or changed fact, each row naming its profile. Same rows as factWriteSql writes profile by profile.
 */
export function factBatchWriteSql(writes: FactWrite[]): Statement[] {
  const remove = writes.flatMap((w) => w.remove.map((r) => r.id))
  const upsert = writes.flatMap((w) => w.upsert.map((r) => ({ ...r, profile_id: w.profile_id })))
  const out: Statement[] = []
  if (remove.length) {
    out.push({
      text: `DELETE FROM personalization_behavior_event WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))`,
      values: [JSON.stringify(remove)],
    })
  }
  if (upsert.length) {
    out.push({
      text: `INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, properties, occurred_at)
  SELECT r.id, r.profile_id, r.client_id, r.type, r.properties, r.occurred_at
    FROM jsonb_to_recordset($1::jsonb) AS r(id text, profile_id text, client_id text, type text, properties jsonb, occurred_at timestamptz)
  ON CONFLICT (profile_id, client_id) WHERE deleted_at IS NULL
  DO UPDATE SET type = EXCLUDED.type, properties = EXCLUDED.properties, occurred_at = EXCLUDED.occurred_at, updated_at = now()`,
      values: [JSON.stringify(upsert)],
    })
  }
  return out
}

/** A `$n` statement for knex's `?` bindings (the module service's transaction manager). */
export function toKnex(s: Statement): { text: string; values: unknown[] } {
  return { text: s.text.replace(/\$\d+/g, "?"), values: s.values }
}
