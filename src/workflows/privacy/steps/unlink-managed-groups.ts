import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { isManagedGroup } from "../../../lib/managed-group"

type Pair = { customer_id: string; customer_group_id: string }

/** Takes the customer out of every plugin-managed customer group (merchant-made groups are left alone). */
export const unlinkManagedGroupsStep = createStep(
  "personalization-unlink-managed-groups",
  async (input: { customer_id: string }, { container }) => {
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const links = await customers.listCustomerGroupCustomers(
      { customer_id: input.customer_id },
      { select: ["customer_group_id"], take: null }
    )
    if (!links.length) return new StepResponse([] as Pair[], [] as Pair[])
    const groups = await customers.listCustomerGroups(
      { id: links.map((l) => l.customer_group_id) },
      { select: ["id", "metadata"], take: null }
    )
    const pairs: Pair[] = groups
      .filter((g) => isManagedGroup(g.metadata as Record<string, unknown> | null))
      .map((g) => ({ customer_id: input.customer_id, customer_group_id: g.id }))
    if (pairs.length) await customers.removeCustomerFromGroup(pairs)
    return new StepResponse(pairs, pairs)
  },
  async (pairs, { container }) => {
    if (!pairs?.length) return
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.addCustomerToGroup(pairs)
  }
)
