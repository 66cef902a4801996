import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { Modules } from "@medusajs/framework/utils"
import { trackEvents } from "../../../../lib/privacy/track"
import { notFound } from "../../../../lib/errors"
import { withConflicts } from "../../../utils/conflict"
import type { AdminTrackEventsType } from "../../../store/personalization/validators"

/**
 * Server-to-server engagement (email opens and clicks from a provider's webhook, support contacts): the same
 * validation and consent rules as the store route, for one customer or visitor per batch. Admin auth or a
 * secret API key (Basic auth), as every /admin route.
 */
export const POST = withConflicts(async (req: AuthenticatedMedusaRequest<AdminTrackEventsType>, res: MedusaResponse) => {
  const { customer_id, visitor_id, events, context } = req.validatedBody
  if (customer_id) {
    const [customer] = await req.scope.resolve(Modules.CUSTOMER).listCustomers({ id: customer_id }, { select: ["id"], take: 1 })
    if (!customer) throw notFound("Customer", customer_id)
  }
  const ref = customer_id ? { customer_id } : { visitor_id: visitor_id! }
  res.status(202).json(await trackEvents(req.scope, ref, { events, context }))
})
