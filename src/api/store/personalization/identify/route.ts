import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requireCustomer, visitorIdOf, VISITOR_HEADER } from "../../../../lib/privacy/subject"
import { invalid } from "../../../../lib/errors"
import { mergeVisitorWorkflow } from "../../../../workflows/privacy/merge-visitor"
import { withConflicts } from "../../../utils/conflict"
import { personalizationOf } from "../helpers"

/**
 * Call after sign-in or registration with the customer token AND the visitor id the storefront used while
 * anonymous: the visitor's events and consent move to the customer. Idempotent; 409 when the visitor id
 * already belongs to another customer.
 */
export const POST = withConflicts(async (req: MedusaRequest, res: MedusaResponse) => {
  const customerId = requireCustomer(req)
  const visitorId = visitorIdOf(req)
  if (!visitorId) throw invalid(VISITOR_HEADER, "required: the visitor id to link to the signed-in customer")
  const { result } = await mergeVisitorWorkflow(req.scope).run({
    input: {
      visitor_id: visitorId,
      customer_id: customerId,
      require_consent: personalizationOf(req).getOptions().consent.required,
      actor: { actor_type: "customer", actor_id: customerId },
      source: "identify",
    },
  })
  res.json({
    merged: result.merged,
    ...(result.reason ? { reason: result.reason } : {}),
    events_moved: result.events_moved,
    events_dropped: result.events_dropped,
  })
})
