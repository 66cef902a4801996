import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { entityIds } from "../../../lib/db/entity-ids"
import { sql } from "../../../lib/db/raw-sql"
import { findOrCreateProfile, retiredVisitorError, type SubjectRef } from "../../../lib/privacy/profiles"

export type IncomingEvent = { client_id: string; type: string; occurred_at: string; properties: Record<string, unknown> }
export type EventContext = { device_type?: string; country?: string }

export type InsertEventsInput = {
  /** The subject's live profile when the caller already read it; otherwise it is found or created here. */
  profile_id: string | null
  subject: SubjectRef
  events: IncomingEvent[]
  context?: EventContext
  /** When consent is required, events are kept only while the profile's `personalization` consent is granted. */
  require_consent: boolean
  now: Date | string
}

export type InsertEventsResult = {
  profile_id: string
  customer_id: string | null
  consented: boolean
  inserted: string[]
  /**
   * Database clock (text, microseconds) read after this statement locked the profile row; the batch commits
   * after it. An evaluation whose recorded start is >= `at` (startEvaluationStep, same row lock) saw the batch.
   */
  at: string | null
}

type Undo = {
  profile_id: string
  created: boolean
  inserted: string[]
  activity: { last_seen_at: Date | null; traits: Record<string, unknown>; country: string | null } | null
}

/**
 * The whole batch in ONE statement: lock the profile row if (and only if) it may hold behaviour, insert
 * the events deduplicated by the (profile_id, client_id) unique index (`ON CONFLICT DO NOTHING`), and
 * record activity (last_seen_at, storefront context as traits). Locking the profile row serializes the
 * insert with a concurrent consent withdrawal, so no event can slip in after the withdrawal's purge.
 * Finds or creates the profile first when the caller has none (consent not required). Compensation deletes
 * exactly the inserted rows and restores the activity columns (or deletes the profile this step created).
 */
export const insertEventsStep = createStep(
  "personalization-insert-events",
  async (input: InsertEventsInput, { container }) => {
    let profileId = input.profile_id
    let customerId: string | null = "customer_id" in input.subject ? input.subject.customer_id : null
    let created = false
    if (!profileId) {
      // Only when consent is not required (otherwise the caller found a consented profile): one INSERT … ON
      // CONFLICT, safe under concurrency. A retired (merged) visitor id is refused.
      const found = await findOrCreateProfile(container, input.subject)
      if (found.profile.merged_into_id) throw retiredVisitorError()
      profileId = found.profile.id
      customerId = found.profile.customer_id
      created = found.created
    }
    const now = new Date(input.now).toISOString()
    const ids = entityIds("pevt", input.events.length) // one random draw for the batch (see lib/db/entity-ids)
    const rows = input.events.map((e, i) => ({
      id: ids[i],
      client_id: e.client_id,
      type: e.type,
      properties: e.properties ?? {},
      occurred_at: e.occurred_at,
    }))
    const traits: Record<string, unknown> = {}
    if (input.context?.device_type) traits.device_type = input.context.device_type
    if (input.context?.country) traits.geo_country = input.context.country.toUpperCase()
    const insertBatch = () => sql<{
      consented: boolean
      inserted: string[] | null
      last_seen_at: Date | null
      traits: Record<string, unknown> | null
      country: string | null
      at: string | null
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
              (SELECT count(*) FROM act) AS touched,
              (SELECT clock_timestamp()::text FROM p) AS at`,
      [profileId, input.require_consent, JSON.stringify(rows), now, JSON.stringify(traits), (traits.geo_country as string) ?? null]
    )
    const [result] = await insertBatch().catch(async (e) => {
      // A failed step is not compensated: drop the profile made just above, then fail.
      if (created) await sql(container, `DELETE FROM personalization_customer_profile WHERE id = $1`, [profileId])
      throw e
    })
    const consented = !!result?.consented
    const out: InsertEventsResult = {
      profile_id: profileId,
      customer_id: customerId,
      consented,
      inserted: result?.inserted ?? [],
      at: result?.at ?? null,
    }
    const undo: Undo = {
      profile_id: profileId,
      created,
      inserted: out.inserted,
      activity: consented ? { last_seen_at: result.last_seen_at, traits: result.traits ?? {}, country: result.country } : null,
    }
    return new StepResponse(out, undo)
  },
  async (undo, { container }) => {
    if (!undo) return
    if (undo.inserted.length) {
      await sql(container, `DELETE FROM personalization_behavior_event WHERE id = ANY($1::text[])`, [undo.inserted])
    }
    if (undo.created) {
      await sql(container, `DELETE FROM personalization_customer_profile WHERE id = $1`, [undo.profile_id])
    } else if (undo.activity) {
      await sql(
        container,
        `UPDATE personalization_customer_profile SET last_seen_at = $2, traits = $3::jsonb, country = $4, updated_at = now() WHERE id = $1`,
        [undo.profile_id, undo.activity.last_seen_at, JSON.stringify(undo.activity.traits), undo.activity.country]
      )
    }
  }
)
