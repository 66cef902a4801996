import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { customerOfPayment, refreshCustomerSafely } from "../lib/pipeline/run-refresh"

/** A refund changes the order's refunded amount (order facts' `refunded_amount`): refresh the buyer of its order. */
export default async function paymentRefunded({ event, container }: SubscriberArgs<{ id: string }>) {
  const customerId = await customerOfPayment(container, event.data.id)
  await refreshCustomerSafely(container, customerId, `${event.name} ${event.data.id}`)
}

export const config: SubscriberConfig = {
  event: ["payment.refunded"],
  context: { subscriberId: "personalization-payment-refunded" },
}
