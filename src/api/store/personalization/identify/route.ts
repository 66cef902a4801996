import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requireCustomer, visitorIdOf, VISITOR_HEADER } from "../../../../lib/privacy/subject"
import { invalid } from "../../../../lib/errors"
import { mergeVisitorInto } from "../../../../lib/privacy/merge-visitor"
import { withConflicts } from "../../../utils/conflict"

/**
 * Call after sign-in or registration with the customer token AND the visitor id the storefront used while
 * anonymous: the visitor's events and consent move to the customer. Idempotent; 409 when the visitor id
 * already belongs to another customer.
 */
export const POST = withConflicts(async (req: MedusaRequest, res: MedusaResponse) => {
  const customerId = requireCustomer(req)
  const visitorId = visitorIdOf(req)
  if (!visitorId) throw invalid(VISITOR_HEADER, "required: the visitor id to link to the signed-in customer")
  const result = await mergeVisitorInto(req.scope, {
    visitor_id: visitorId,
    customer_id: customerId,
    actor: { actor_type: "customer", actor_id: customerId },
    source: "identify",
  })
  res.json({
    merged: result.merged,
    ...(result.reason ? { reason: result.reason } : {}),
    events_moved: result.events_moved,
    events_dropped: result.events_dropped,
  })
})
