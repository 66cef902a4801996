import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"

/** Removes every customer from a managed group (returns who was removed); compensation puts them back. */
export const emptyManagedGroupStep = createStep(
  "personalization-empty-managed-group",
  async (input: { group_id: string | null }, { container }) => {
    if (!input.group_id) return new StepResponse({ customer_ids: [] as string[] }, null)
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const links = await customers.listCustomerGroupCustomers(
      { customer_group_id: input.group_id },
      { select: ["customer_id", "customer_group_id"], take: null }
    )
    const pairs = links.map((l) => ({ customer_id: l.customer_id, customer_group_id: l.customer_group_id }))
    if (pairs.length) await customers.removeCustomerFromGroup(pairs)
    return new StepResponse({ customer_ids: pairs.map((p) => p.customer_id) }, pairs)
  },
  async (pairs, { container }) => {
    if (!pairs?.length) return
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.addCustomerToGroup(pairs)
  }
)
