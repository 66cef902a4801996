import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { customerOf, refreshCustomerSafely } from "../lib/pipeline/run-refresh"

/** Carts feed carts_created / abandonment traits. */
export default async function cartChanged({ event, container }: SubscriberArgs<{ id: string; customer_id?: string }>) {
  const customerId = event.data.customer_id ?? (await customerOf(container, "cart", event.data.id))
  await refreshCustomerSafely(container, customerId, `${event.name} ${event.data.id}`)
}

export const config: SubscriberConfig = {
  event: ["cart.created", "cart.updated", "cart.customer_transferred"],
  context: { subscriberId: "personalization-cart-changed" },
}
