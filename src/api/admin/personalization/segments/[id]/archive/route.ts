import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { updateSegmentWorkflow } from "../../../../../../workflows/segments"
import { retrieveSegmentResponse } from "../../helpers"
import { withConflicts } from "../../../../../utils/conflict"
import { actorOf } from "../../../../../../lib/privacy/audit"

/**
 * Archive: the segment stops matching, its managed group is emptied, open memberships are closed. 409 naming them
 * while segments that are not archived reference it.
 */
export const POST = withConflicts(async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  await updateSegmentWorkflow(req.scope).run({ input: { id: req.params.id, status: "archived", actor: actorOf(req) } })
  res.json({ segment: await retrieveSegmentResponse(req.scope, req.params.id) })
})
