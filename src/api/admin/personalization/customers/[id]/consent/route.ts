import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { sql } from "../../../../../../lib/db/raw-sql"
import { findProfile } from "../../../../../../lib/privacy/profiles"
import { actorOf } from "../../../../../../lib/privacy/audit"
import { assertCustomerExists } from "../../../../../../lib/privacy/export"
import { recordAuditWorkflow } from "../../../../../../workflows/privacy/record-audit"
import { consentView, personalizationOf } from "../../../../../store/personalization/helpers"

/** A customer's consent: the current state per purpose and the full ledger (incl. merged visitor ids). Audited. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const customerId = req.params.id
  await assertCustomerExists(req.scope, customerId)
  const { consent } = personalizationOf(req).getOptions()
  const profile = await findProfile(req.scope, { customer_id: customerId })
  const records = await sql(
    req.scope,
    `SELECT id, profile_id, purpose, status, source, policy_version, recorded_at
       FROM personalization_consent_record
      WHERE deleted_at IS NULL AND (customer_id = $1 OR profile_id = $2
         OR profile_id IN (SELECT id FROM personalization_customer_profile WHERE merged_into_id = $2))
      ORDER BY recorded_at, id`,
    [customerId, profile?.id ?? null]
  )
  await recordAuditWorkflow(req.scope).run({
    input: { entries: [{ ...actorOf(req), action: "consent.read", target_type: "customer", target_id: customerId }] },
  })
  res.json({ customer_id: customerId, consent: consentView(consent.purposes, profile), records })
}
