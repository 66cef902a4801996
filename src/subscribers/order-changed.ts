import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { customerOf, refreshCustomerSafely } from "../lib/pipeline/run-refresh"

/** Orders change spend, frequency and recency traits: refresh the buyer (guests included). */
export default async function orderChanged({ event, container }: SubscriberArgs<{ id: string }>) {
  const customerId = await customerOf(container, "order", event.data.id)
  await refreshCustomerSafely(container, customerId, `${event.name} ${event.data.id}`)
}

export const config: SubscriberConfig = {
  event: ["order.placed", "order.canceled", "order.completed"],
  context: { subscriberId: "personalization-order-changed" },
}
