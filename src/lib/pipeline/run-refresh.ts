import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { refreshCustomerProfileWorkflow } from "../../workflows/pipeline/refresh-customer-profile"

/**
 * Runs the profile refresh for a customer from a subscriber or job. Never throws: personalization must not
 * break the flow that emitted the event (checkout, account changes). Failures are logged once with context;
 * the workflow's compensation has already undone partial writes.
 */
export async function refreshCustomerSafely(
  container: MedusaContainer,
  customerId: string | null | undefined,
  context: string,
  now?: Date
): Promise<boolean> {
  if (!customerId) return false
  try {
    await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customerId, now } })
    return true
  } catch (e) {
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    logger.error(`personalization: refreshing customer ${customerId} after ${context} failed: ${(e as Error).message}`)
    return false
  }
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
