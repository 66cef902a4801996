import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { CART_VISITOR_KEY, VISITOR_ID_RE } from "../lib/privacy/subject"
import { mergeVisitorInto } from "../lib/privacy/merge-visitor"

/**
 * A guest cart transferred to a customer (they signed in at checkout): merge the visitor the cart was made
 * by into the customer. The visitor id comes from the cart's metadata (`personalization_visitor_id`),
 * which the storefront sets when it creates the cart. Never throws into checkout.
 */
export default async function visitorCartTransferred({ event, container }: SubscriberArgs<{ id: string; customer_id?: string }>) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  try {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({ entity: "cart", fields: ["id", "customer_id", "metadata"], filters: { id: event.data.id } })
    const cart = data[0] as { customer_id?: string | null; metadata?: Record<string, unknown> | null } | undefined
    const customerId = event.data.customer_id ?? cart?.customer_id
    const visitorId = cart?.metadata?.[CART_VISITOR_KEY]
    if (!customerId || typeof visitorId !== "string" || !VISITOR_ID_RE.test(visitorId)) return
    await mergeVisitorInto(container, {
      visitor_id: visitorId,
      customer_id: customerId,
      actor: { actor_type: "system", actor_id: null },
      source: "cart.customer_transferred",
    })
  } catch (e) {
    logger.warn(`personalization: could not merge the visitor of cart ${event.data.id}: ${(e as Error).message}`)
  }
}

export const config: SubscriberConfig = {
  event: "cart.customer_transferred",
  context: { subscriberId: "personalization-visitor-cart-transferred" },
}
