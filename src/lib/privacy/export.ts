// What the plugin holds about one customer, for GDPR access requests (store "me/data" and admin export).
import { Modules } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { sql } from "../db/raw-sql"
import { notFound } from "../errors"
import { SERVER_FACT_TYPES } from "../../core/behaviour"

type Resolver = { resolve<T = unknown>(key: string): T }

export async function assertCustomerExists(container: MedusaContainer | Resolver, customerId: string): Promise<void> {
  const customers = (container as MedusaContainer).resolve(Modules.CUSTOMER)
  const [customer] = await customers.listCustomers({ id: customerId }, { select: ["id"], take: 1 })
  if (!customer) throw notFound("Customer", customerId)
}

/** The customer's profile id and the ids of visitor profiles merged into it. */
export async function profileIdsOf(container: Resolver, customerId: string): Promise<{ main: string | null; all: string[] }> {
  const rows = await sql<{ id: string; customer_id: string | null }>(
    container,
    `SELECT id, customer_id FROM personalization_customer_profile
      WHERE deleted_at IS NULL AND (customer_id = $1
         OR merged_into_id IN (SELECT id FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL))`,
    [customerId]
  )
  const main = rows.find((r) => r.customer_id === customerId)?.id ?? null
  return { main, all: rows.map((r) => r.id) }
}

/**
 * Everything held about the customer: profile (typed traits, jsonb traits, consent state), visitor profiles
 * merged into it, behaviour events (storefront-tracked, and the order and cart facts recorded from Medusa's data:
 * `origin` says which), memberships with history (segment handle and name), the consent ledger.
 * Every query is keyed by this customer's id or its own profile ids — nothing about anyone else.
 */
export async function buildCustomerExport(container: Resolver, customerId: string) {
  const { main, all } = await profileIdsOf(container, customerId)
  const [profiles, events, memberships, consent] = await Promise.all([
    sql<Record<string, unknown>>(
      container,
      `SELECT * FROM personalization_customer_profile WHERE id = ANY($1::text[]) AND deleted_at IS NULL ORDER BY created_at`,
      [all]
    ),
    sql(
      container,
      `SELECT id, profile_id, client_id, type, properties, occurred_at, created_at,
              CASE WHEN type = ANY($2::text[]) THEN 'server' ELSE 'storefront' END AS origin
         FROM personalization_behavior_event WHERE profile_id = ANY($1::text[]) AND deleted_at IS NULL
        ORDER BY occurred_at, id`,
      [all, SERVER_FACT_TYPES]
    ),
    sql(
      container,
      `SELECT m.id, m.profile_id, m.segment_id, s.handle AS segment_handle, s.name AS segment_name,
              m.entered_at, m.exited_at, m.reason, m.exit_reason
         FROM personalization_segment_membership m
         LEFT JOIN personalization_segment s ON s.id = m.segment_id
        WHERE m.deleted_at IS NULL AND (m.profile_id = ANY($1::text[]) OR m.customer_id = $2)
        ORDER BY m.entered_at, m.id`,
      [all, customerId]
    ),
    sql(
      container,
      `SELECT id, profile_id, purpose, status, source, policy_version, recorded_at
         FROM personalization_consent_record
        WHERE deleted_at IS NULL AND (customer_id = $1 OR profile_id = ANY($2::text[]))
        ORDER BY recorded_at, id`,
      [customerId, all]
    ),
  ])
  const clean = (p: Record<string, unknown>) => {
    const { raw_total_spent, raw_aov, deleted_at, ...rest } = p
    void raw_total_spent, void raw_aov, void deleted_at
    return rest
  }
  const profile = profiles.find((p) => p.id === main)
  return {
    exported_at: new Date().toISOString(),
    customer_id: customerId,
    profile: profile ? clean(profile) : null,
    traits: profile ? { ...((profile.traits as Record<string, unknown>) ?? {}) } : {},
    merged_visitor_profiles: profiles.filter((p) => p.id !== main).map(clean),
    events,
    memberships,
    consent: { current: profile?.consent ?? {}, ledger: consent },
  }
}
