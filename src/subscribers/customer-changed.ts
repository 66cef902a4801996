import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { refreshCustomerSafely } from "../lib/pipeline/run-refresh"
import { eraseCustomerSafely } from "../lib/privacy/erase"

/** Account data (has_account, email, metadata traits); a deleted customer's data is erased (GDPR, issue #5). */
export default async function customerChanged({ event, container }: SubscriberArgs<{ id: string }>) {
  if (event.name === "customer.deleted") {
    await eraseCustomerSafely(container, event.data.id, "customer.deleted")
    return
  }
  // updateCustomersWorkflow (the only emitter of customer.updated) changes account fields, never orders or carts.
  await refreshCustomerSafely(container, event.data.id, `${event.name} ${event.data.id}`, undefined, {
    scope: event.name === "customer.updated" ? "account" : "full",
    event,
  })
}

export const config: SubscriberConfig = {
  event: ["customer.created", "customer.updated", "customer.deleted"],
  context: { subscriberId: "personalization-customer-changed" },
}
