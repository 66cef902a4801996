import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { refreshCustomerSafely } from "../lib/pipeline/run-refresh"

/** Account data (has_account, email, metadata traits); a deleted customer leaves every segment. */
export default async function customerChanged({ event, container }: SubscriberArgs<{ id: string }>) {
  await refreshCustomerSafely(container, event.data.id, `${event.name} ${event.data.id}`)
}

export const config: SubscriberConfig = {
  event: ["customer.created", "customer.updated", "customer.deleted"],
  context: { subscriberId: "personalization-customer-changed" },
}
