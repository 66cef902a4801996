import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { gateToSegmentWorkflow } from "../../../../../../workflows/segments/gate-to-segment"
import { actorOf } from "../../../../../../lib/privacy/audit"
import { withConflicts } from "../../../../../utils/conflict"
import type { AdminGateSegmentType } from "./validators"

/**
 * POST /admin/personalization/segments/:id/gate { promotion_id } | { price_list_id }
 * Adds the segment's managed group to the offer's `customer.groups.id in [...]` rule.
 */
export const POST = withConflicts(async (req: AuthenticatedMedusaRequest<AdminGateSegmentType>, res: MedusaResponse) => {
  const { result } = await gateToSegmentWorkflow(req.scope).run({
    input: { ...req.validatedBody, segment_id: req.params.id, actor: actorOf(req) },
  })
  res.json({ gate: result })
})
