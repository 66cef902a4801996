import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { customerOf, refreshCustomerSafely } from "../lib/pipeline/run-refresh"

/**
 * Orders change spend, frequency and recency traits and the buyer's order facts (order_placed / order_canceled with
 * the current total): refresh the buyer (guests included), which recomputes both from the order tables. Returns,
 * claims, exchanges and confirmed edits change the order's total; their payload names the order as `order_id`.
 */
export default async function orderChanged({ event, container }: SubscriberArgs<{ id?: string; order_id?: string }>) {
  const orderId = event.data.order_id ?? event.data.id
  if (!orderId) return
  const customerId = await customerOf(container, "order", orderId)
  await refreshCustomerSafely(container, customerId, `${event.name} ${orderId}`)
}

export const config: SubscriberConfig = {
  event: [
    "order.placed",
    "order.canceled",
    "order.completed",
    "order.updated",
    "order.return_received",
    "order.claim_created",
    "order.exchange_created",
    "order-edit.confirmed",
  ],
  context: { subscriberId: "personalization-order-changed" },
}
