// Retention: behaviour events older than `retentionDays`, and visitor profiles inactive that long, go.
import { sql } from "../db/raw-sql"
import { inTransaction } from "../db/transaction"
import { recountMembersWith } from "../segments/recount-members"
import { SERVER_FACT_TYPES } from "../../core/behaviour"

type Resolver = { resolve<T = unknown>(key: string): T }

export type RetentionFigures = {
  cutoff: string
  events: number
  visitor_profiles: number
  visitor_events: number
  visitor_memberships: number
  visitor_consent_records: number
}

const BATCH = 5000

/**
 * Set-based, in batches of 5,000 rows so no statement holds long locks on a big table:
 * 1. storefront-tracked events with occurred_at before the cutoff (and rows a crashed workflow left marked deleted);
 *    order and cart facts are kept: they mirror Medusa's orders and carts, which the store keeps, and every full
 *    refresh would write them again;
 * 2. visitor profiles (no customer) whose last activity is before the cutoff, with their events,
 *    memberships and ledger rows — except rows already attributed to a customer by a merge.
 */
export async function purgeExpired(container: Resolver, now: Date, retentionDays: number): Promise<RetentionFigures> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString()
  const figures: RetentionFigures = {
    cutoff,
    events: 0,
    visitor_profiles: 0,
    visitor_events: 0,
    visitor_memberships: 0,
    visitor_consent_records: 0,
  }
  for (;;) {
    const rows = await sql(
      container,
      `DELETE FROM personalization_behavior_event WHERE id IN (
         SELECT id FROM personalization_behavior_event
          WHERE (occurred_at < $1 AND NOT (type = ANY($3::text[])))
             OR (deleted_at IS NOT NULL AND deleted_at < $2::timestamptz - interval '1 day')
          LIMIT ${BATCH})
       RETURNING id`,
      [cutoff, now.toISOString(), SERVER_FACT_TYPES]
    )
    figures.events += rows.length
    if (rows.length < BATCH) break
  }
  for (;;) {
    const done = await inTransaction(container, async (run) => {
      const profiles = await run<{ id: string }>(
        `SELECT id FROM personalization_customer_profile
          WHERE customer_id IS NULL AND COALESCE(last_seen_at, created_at) < $1
          LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
        [cutoff]
      )
      const ids = profiles.map((p) => p.id)
      if (!ids.length) return 0
      const events = await run(`DELETE FROM personalization_behavior_event WHERE profile_id = ANY($1::text[]) RETURNING id`, [ids])
      const memberships = await run<{ segment_id: string }>(
        `DELETE FROM personalization_segment_membership WHERE profile_id = ANY($1::text[]) AND customer_id IS NULL RETURNING segment_id`,
        [ids]
      )
      const consent = await run(
        `DELETE FROM personalization_consent_record WHERE profile_id = ANY($1::text[]) AND customer_id IS NULL RETURNING id`,
        [ids]
      )
      await run(`DELETE FROM personalization_customer_profile WHERE id = ANY($1::text[])`, [ids])
      const segmentIds = [...new Set(memberships.map((m) => m.segment_id))]
      await recountMembersWith(run, segmentIds)
      figures.visitor_profiles += ids.length
      figures.visitor_events += events.length
      figures.visitor_memberships += memberships.length
      figures.visitor_consent_records += consent.length
      return ids.length
    })
    if (done < BATCH) break
  }
  return figures
}
