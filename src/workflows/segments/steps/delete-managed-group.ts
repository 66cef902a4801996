import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"

/** Soft-deletes the managed group; compensation restores it. */
export const deleteManagedGroupStep = createStep(
  "personalization-delete-managed-group",
  async (input: { group_id: string | null }, { container }) => {
    if (!input.group_id) return new StepResponse(undefined, null)
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.softDeleteCustomerGroups([input.group_id])
    return new StepResponse(undefined, input.group_id)
  },
  async (groupId, { container }) => {
    if (!groupId) return
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.restoreCustomerGroups([groupId])
  }
)
