import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { assertCustomerExists, buildCustomerExport } from "../../../../../../lib/privacy/export"
import { actorOf } from "../../../../../../lib/privacy/audit"
import { recordAuditWorkflow } from "../../../../../../workflows/privacy/record-audit"
import { eraseCustomerDataWorkflow } from "../../../../../../workflows/privacy/erase-customer-data"
import { personalizationOf } from "../../../../../store/personalization/helpers"

/** Export of everything held about a customer (a GDPR access request handled by staff). Audited. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const customerId = req.params.id
  await assertCustomerExists(req.scope, customerId)
  const data = await buildCustomerExport(req.scope, customerId)
  await recordAuditWorkflow(req.scope).run({
    input: {
      entries: [
        {
          ...actorOf(req),
          action: "profile.exported",
          target_type: "customer",
          target_id: customerId,
          details: { events: data.events.length, memberships: data.memberships.length, consent_records: data.consent.ledger.length },
        },
      ],
    },
  })
  res.json(data)
}

/** Erasure of everything held about a customer. Audited (the audit row survives; it holds no personal data). */
export const DELETE = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const customerId = req.params.id
  await assertCustomerExists(req.scope, customerId)
  const { result } = await eraseCustomerDataWorkflow(req.scope).run({
    input: {
      customer_id: customerId,
      purposes: personalizationOf(req).getOptions().consent.purposes,
      source: "admin",
      audit: { ...actorOf(req), action: "profile.erased", target_type: "customer", target_id: customerId },
    },
  })
  res.json({ erased: true, ...result })
}
