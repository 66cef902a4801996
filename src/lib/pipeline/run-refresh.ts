import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { refreshCustomerProfileWorkflow } from "../../workflows/pipeline/refresh-customer-profile"
import type { RefreshScope } from "../../workflows/pipeline/steps/compute-customer-traits"
import { evaluateProfileWorkflow } from "../../workflows/pipeline/evaluate-profile"
import { traceEnd, traceStart } from "./trace"
import { retryLater } from "./retry-later"

/**
 * Personalization must never break the flow that triggered it (checkout, account changes): failures are
 * logged once with context and swallowed; the workflow's compensation has already undone partial writes, and the
 * profile is queued for the minute job's retry (retryLater).
 */
async function safely(container: MedusaContainer, what: string, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run()
    return true
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`personalization: ${what} failed: ${(e as Error).message}`)
    return false
  }
}

/** Recomputes a customer's traits and memberships (subscribers, jobs). */
export async function refreshCustomerSafely(
  container: MedusaContainer,
  customerId: string | null | undefined,
  context: string,
  now?: Date,
  opts: {
    /** "account": only the customer record changed (customer.updated); default "full". */
    scope?: RefreshScope
    /** The event that triggered the refresh (timing only: MP_PIPELINE_TRACE). */
    event?: { name?: string; metadata?: Record<string, unknown> }
  } = {}
): Promise<boolean> {
  if (!customerId) return false
  traceStart(customerId, opts.event)
  try {
    const ok = await safely(container, `refreshing customer ${customerId} after ${context}`, () =>
      refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customerId, now, scope: opts.scope } })
    )
    if (!ok) await retryLater(container, { customer_id: customerId })
    return ok
  } finally {
    traceEnd(customerId)
  }
}

/** Re-evaluates one profile (e.g. a visitor's) without recomputing traits. */
export async function evaluateProfileSafely(
  container: MedusaContainer,
  profileId: string,
  context: string,
  now?: Date
): Promise<boolean> {
  const ok = await safely(container, `evaluating profile ${profileId} after ${context}`, () =>
    evaluateProfileWorkflow(container).run({ input: { profile_id: profileId, now } })
  )
  if (!ok) await retryLater(container, { profile_id: profileId })
  return ok
}

/** The customer behind an order or cart, or null when it has none / cannot be read. */
export async function customerOf(
  container: MedusaContainer,
  entity: "order" | "cart",
  id: string
): Promise<string | null> {
  try {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({ entity, fields: ["customer_id"], filters: { id } })
    return (data[0] as { customer_id?: string } | undefined)?.customer_id ?? null
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).warn(`personalization: cannot read ${entity} ${id}: ${(e as Error).message}`)
    return null
  }
}

/** The customer of the order a payment belongs to (payment → payment collection → order), or null. */
export async function customerOfPayment(container: MedusaContainer, paymentId: string): Promise<string | null> {
  try {
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data } = await query.graph({
      entity: "payment",
      fields: ["payment_collection.order.customer_id"],
      filters: { id: paymentId },
    })
    return (data[0] as any)?.payment_collection?.order?.customer_id ?? null
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).warn(`personalization: cannot read payment ${paymentId}: ${(e as Error).message}`)
    return null
  }
}
