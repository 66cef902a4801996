// Shared fixtures for the consent/tracking and privacy suites.
import { sql } from "../../src/lib/db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }

/** Rows per plugin table that mention a customer (by customer id, or through its profiles). */
export async function rowsAbout(container: Resolver, customerId: string, profileIds: string[]) {
  const one = async (text: string, values: unknown[]) => Number((await sql<{ n: string }>(container, text, values))[0].n)
  return {
    profiles: await one(
      `SELECT count(*) AS n FROM personalization_customer_profile WHERE customer_id = $1 OR id = ANY($2::text[])`,
      [customerId, profileIds]
    ),
    events: await one(`SELECT count(*) AS n FROM personalization_behavior_event WHERE profile_id = ANY($1::text[])`, [profileIds]),
    memberships: await one(
      `SELECT count(*) AS n FROM personalization_segment_membership WHERE customer_id = $1 OR profile_id = ANY($2::text[])`,
      [customerId, profileIds]
    ),
    consent_non_withdrawal: await one(
      `SELECT count(*) AS n FROM personalization_consent_record
        WHERE (customer_id = $1 OR profile_id = ANY($2::text[])) AND NOT (status = 'withdrawn' AND policy_version = 'erasure')`,
      [customerId, profileIds]
    ),
    audit: await one(
      `SELECT count(*) AS n FROM personalization_audit_log WHERE target_id = $1 OR details::text LIKE '%' || $1 || '%'`,
      [customerId]
    ),
  }
}

export async function count(container: Resolver, table: string, where = "true", values: unknown[] = []) {
  return Number((await sql<{ n: string }>(container, `SELECT count(*) AS n FROM ${table} WHERE ${where}`, values))[0].n)
}

export function visitorId(tag: string) {
  return `v_${tag}_${Math.random().toString(36).slice(2, 12)}`
}

export function productViews(n: number, category: string, prefix = "pv") {
  return Array.from({ length: n }, (_, i) => ({
    id: `${prefix}-${i}-${Math.random().toString(36).slice(2, 8)}`,
    type: "product_viewed",
    properties: { category, product_id: `prod_${i}` },
  }))
}

/**
 * Tracking answers 202 before memberships are re-evaluated (a subscriber on personalization.events.tracked does
 * it). Waits until a COMPLETED evaluation of the profile started after its newest event was written
 * (`evaluated_at` = start of the last completed evaluation; an event's `created_at` precedes its batch's stamp).
 */
export async function evaluationSettled(container: Resolver, profileId: string, timeoutMs = 30_000) {
  const started = Date.now()
  for (;;) {
    const [row] = await sql<{ settled: boolean }>(
      container,
      `SELECT p.evaluated_at IS NOT NULL AND p.evaluated_at >= COALESCE(
                (SELECT max(e.created_at) FROM personalization_behavior_event e WHERE e.profile_id = p.id), '-infinity') AS settled
         FROM personalization_customer_profile p WHERE p.id = $1`,
      [profileId]
    )
    if (row?.settled) return
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for profile ${profileId} to be evaluated`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
