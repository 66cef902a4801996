import type { NextFunction } from "express"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { customerIdOf, VISITOR_ID_RE, VISITOR_HEADER } from "../../../lib/privacy/subject"
import { mergeVisitorInto } from "../../../lib/privacy/merge-visitor"

/**
 * On Medusa's own `POST /store/carts/:id/customer` (a guest cart handed to the signed-in customer): when the
 * storefront also sends `x-visitor-id`, merge that visitor into the customer once the transfer has succeeded.
 * Runs after the response; never changes, delays or fails the transfer (a bad header is simply ignored here).
 */
export function mergeVisitorOnCartTransfer(req: MedusaRequest, res: MedusaResponse, next: NextFunction) {
  const raw = req.headers[VISITOR_HEADER]
  const visitorId = typeof raw === "string" && VISITOR_ID_RE.test(raw) ? raw : null
  const customerId = customerIdOf(req)
  if (visitorId && customerId) {
    res.on("finish", () => {
      if (res.statusCode >= 300) return
      const container = req.scope
      mergeVisitorInto(container, {
        visitor_id: visitorId,
        customer_id: customerId,
        actor: { actor_type: "customer", actor_id: customerId },
        source: "cart transfer",
      }).catch((e: Error) =>
          container
            .resolve(ContainerRegistrationKeys.LOGGER)
            .warn(`personalization: could not merge visitor after the transfer of cart ${req.params.id}: ${e.message}`)
        )
    })
  }
  next()
}
