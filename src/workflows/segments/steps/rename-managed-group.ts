import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { managedGroupName } from "../../../lib/managed-group"

export const renameManagedGroupStep = createStep(
  "personalization-rename-managed-group",
  async (input: { group_id: string | null; segment_name: string }, { container }) => {
    if (!input.group_id) return new StepResponse(undefined, null)
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const [group] = await customers.listCustomerGroups({ id: input.group_id }, { select: ["id", "name"] })
    const name = managedGroupName(input.segment_name)
    if (!group || group.name === name) return new StepResponse(undefined, null)
    await customers.updateCustomerGroups(group.id, { name })
    return new StepResponse(undefined, { id: group.id, name: group.name })
  },
  async (previous, { container }) => {
    if (!previous) return
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.updateCustomerGroups(previous.id, { name: previous.name })
  }
)
