// Profile lookups for subjects, with raw SQL on Medusa's pool (see lib/db/raw-sql.ts).
import { generateEntityId } from "@medusajs/framework/utils"
import { sql } from "../db/raw-sql"
import { conflict } from "../errors"
import { VISITOR_HEADER } from "./subject"

type Resolver = { resolve<T = unknown>(key: string): T }

export type ProfileRow = {
  id: string
  customer_id: string | null
  visitor_id: string | null
  consent: Record<string, { status: string; recorded_at: string }>
  traits: Record<string, unknown>
  merged_into_id: string | null
  last_seen_at: Date | null
  [k: string]: unknown
}

export type SubjectRef = { customer_id: string } | { visitor_id: string }

/**
 * The live profile of a subject, or null. A visitor id that was merged into a customer is *retired*: its
 * tombstone row is returned with `merged_into_id` set, and callers must not treat it as anyone's profile.
 */
export async function findProfile(container: Resolver, ref: SubjectRef): Promise<ProfileRow | null> {
  const rows =
    "customer_id" in ref
      ? await sql<ProfileRow>(
          container,
          `SELECT * FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL LIMIT 1`,
          [ref.customer_id]
        )
      : await sql<ProfileRow>(
          container,
          `SELECT * FROM personalization_customer_profile
            WHERE visitor_id = $1 AND customer_id IS NULL AND deleted_at IS NULL LIMIT 1`,
          [ref.visitor_id]
        )
  return rows[0] ?? null
}

/** A visitor profile that was merged into a customer cannot be written to anonymously any more. */
export function retiredVisitorError() {
  return conflict(
    `${VISITOR_HEADER}: this visitor id was linked to a customer account when they signed in; send the customer token, or start a new visitor id`
  )
}

/**
 * Finds or creates the subject's profile in one statement (safe under concurrency thanks to the partial
 * unique indexes on customer_id / visitor_id). Returns the row and whether this call created it.
 */
export async function findOrCreateProfile(container: Resolver, ref: SubjectRef): Promise<{ profile: ProfileRow; created: boolean }> {
  const existing = await findProfile(container, ref)
  if (existing) return { profile: existing, created: false }
  const id = generateEntityId(undefined, "pprof")
  const inserted =
    "customer_id" in ref
      ? await sql<ProfileRow>(
          container,
          `INSERT INTO personalization_customer_profile (id, customer_id, has_account)
           VALUES ($1, $2, true)
           ON CONFLICT (customer_id) WHERE customer_id IS NOT NULL AND deleted_at IS NULL DO NOTHING
           RETURNING *`,
          [id, ref.customer_id]
        )
      : await sql<ProfileRow>(
          container,
          `INSERT INTO personalization_customer_profile (id, visitor_id)
           VALUES ($1, $2)
           ON CONFLICT (visitor_id) WHERE visitor_id IS NOT NULL AND deleted_at IS NULL DO NOTHING
           RETURNING *`,
          [id, ref.visitor_id]
        )
  if (inserted[0]) return { profile: inserted[0], created: true }
  const raced = await findProfile(container, ref)
  if (!raced) throw new Error("personalization: profile vanished while being created")
  return { profile: raced, created: false }
}

export function consentGranted(profile: Pick<ProfileRow, "consent"> | null, purpose: string): boolean {
  return profile?.consent?.[purpose]?.status === "granted"
}
