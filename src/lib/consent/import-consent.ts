// Records consent given outside the store (an import from a previous system, the demo seed) for customers
// with an account: the profile's current state plus one ledger row each.
import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { sql } from "../db/raw-sql"

export async function importConsentForAccounts(
  container: MedusaContainer,
  opts: { purpose: string; status?: "granted" | "denied"; now?: Date; policy_version?: string | null }
): Promise<number> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const status = opts.status ?? "granted"
  const recordedAt = (opts.now ?? new Date()).toISOString()
  // Profiles that already hold a decision for this purpose keep it: an import never overrides the shopper.
  const rows = await sql<{ id: string; customer_id: string }>(
    container,
    `UPDATE personalization_customer_profile
        SET consent = consent || jsonb_build_object($1::text, jsonb_build_object('status', $2::text, 'recorded_at', $3::text)),
            updated_at = now()
      WHERE has_account AND customer_id IS NOT NULL AND deleted_at IS NULL AND NOT (consent ? $1::text)
      RETURNING id, customer_id`,
    [opts.purpose, status, recordedAt]
  )
  for (let i = 0; i < rows.length; i += 500) {
    await service.createConsentRecords(
      rows.slice(i, i + 500).map((r) => ({
        profile_id: r.id,
        customer_id: r.customer_id,
        purpose: opts.purpose,
        status,
        source: "import" as const,
        policy_version: opts.policy_version ?? null,
        recorded_at: new Date(recordedAt),
      }))
    )
  }
  return rows.length
}
