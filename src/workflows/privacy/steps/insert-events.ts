import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import { sql } from "../../../lib/db/raw-sql"

export type IncomingEvent = { client_id: string; type: string; occurred_at: string; properties: Record<string, unknown> }
export type EventContext = { device_type?: string; country?: string }

export type InsertEventsInput = {
  profile_id: string
  events: IncomingEvent[]
  context?: EventContext
  /** When consent is required, events are kept only while the profile's `personalization` consent is granted. */
  require_consent: boolean
  now: Date | string
}

export type InsertEventsResult = { consented: boolean; inserted: string[] }

type Undo = { profile_id: string; inserted: string[]; last_seen_at: Date | null; traits: Record<string, unknown>; country: string | null }

/**
 * The whole batch in ONE statement: lock the profile row if (and only if) it may hold behaviour, insert
 * the events deduplicated by the (profile_id, client_id) unique index (`ON CONFLICT DO NOTHING`), and
 * record activity (last_seen_at, storefront context as traits). Locking the profile row serializes the
 * insert with a concurrent consent withdrawal, so no event can slip in after the withdrawal's purge.
 * Compensation deletes the inserted rows and restores the activity columns.
 */
export const insertEventsStep = createStep(
  "personalization-insert-events",
  async (input: InsertEventsInput, { container }) => {
    const now = new Date(input.now).toISOString()
    const rows = input.events.map((e) => ({
      id: generateEntityId(undefined, "pevt"),
      client_id: e.client_id,
      type: e.type,
      properties: e.properties ?? {},
      occurred_at: e.occurred_at,
    }))
    const traits: Record<string, unknown> = {}
    if (input.context?.device_type) traits.device_type = input.context.device_type
    if (input.context?.country) traits.geo_country = input.context.country.toUpperCase()
    const [result] = await sql<{
      consented: boolean
      inserted: string[] | null
      last_seen_at: Date | null
      traits: Record<string, unknown> | null
      country: string | null
    }>(
      container,
      `WITH p AS (
         SELECT id, last_seen_at, traits, country FROM personalization_customer_profile
          WHERE id = $1 AND deleted_at IS NULL AND merged_into_id IS NULL
            AND (NOT $2::boolean OR consent -> 'personalization' ->> 'status' = 'granted')
          FOR UPDATE
       ), ins AS (
         INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, properties, occurred_at)
         SELECT e.id, p.id, e.client_id, e.type, COALESCE(e.properties, '{}'::jsonb), e.occurred_at
           FROM p, jsonb_to_recordset($3::jsonb) AS e(id text, client_id text, type text, properties jsonb, occurred_at timestamptz)
         ON CONFLICT (profile_id, client_id) WHERE deleted_at IS NULL DO NOTHING
         RETURNING id
       ), act AS (
         UPDATE personalization_customer_profile c
            SET last_seen_at = GREATEST(COALESCE(c.last_seen_at, $4::timestamptz), $4::timestamptz),
                traits = c.traits || $5::jsonb,
                country = CASE WHEN c.customer_id IS NULL AND $6::text IS NOT NULL THEN $6::text ELSE c.country END,
                updated_at = now()
           FROM p WHERE c.id = p.id
         RETURNING c.id
       )
       SELECT EXISTS (SELECT 1 FROM p) AS consented,
              (SELECT array_agg(id) FROM ins) AS inserted,
              (SELECT last_seen_at FROM p) AS last_seen_at,
              (SELECT traits FROM p) AS traits,
              (SELECT country FROM p) AS country,
              (SELECT count(*) FROM act) AS touched`,
      [input.profile_id, input.require_consent, JSON.stringify(rows), now, JSON.stringify(traits), (traits.geo_country as string) ?? null]
    )
    const out: InsertEventsResult = { consented: !!result?.consented, inserted: result?.inserted ?? [] }
    const undo: Undo | null = out.consented
      ? {
          profile_id: input.profile_id,
          inserted: out.inserted,
          last_seen_at: result.last_seen_at,
          traits: result.traits ?? {},
          country: result.country,
        }
      : null
    return new StepResponse(out, undo)
  },
  async (undo, { container }) => {
    if (!undo) return
    await sql(container, `DELETE FROM personalization_behavior_event WHERE id = ANY($1::text[])`, [undo.inserted])
    await sql(
      container,
      `UPDATE personalization_customer_profile SET last_seen_at = $2, traits = $3::jsonb, country = $4, updated_at = now() WHERE id = $1`,
      [undo.profile_id, undo.last_seen_at, JSON.stringify(undo.traits), undo.country]
    )
  }
)
