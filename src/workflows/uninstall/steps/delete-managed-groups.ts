// Deletes the plugin's managed customer groups the way the admin's own "delete" does (soft delete: the groups and
// their customer links disappear from the store; the customers themselves stay). Only groups still marked
// `managed_by: medusa-personalization` are touched. Compensation restores them.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { ourGroups } from "../../../lib/uninstall/plan"

export const deleteManagedGroupsStep = createStep(
  "personalization-uninstall-delete-managed-groups",
  async (input: { group_ids: string[] }, { container }) => {
    const customers = container.resolve<ICustomerModuleService>(Modules.CUSTOMER)
    const live = new Set((await ourGroups(container)).live.map((g) => g.id))
    const ids = input.group_ids.filter((id) => live.has(id))
    if (ids.length) await customers.softDeleteCustomerGroups(ids)
    return new StepResponse(ids, ids)
  },
  async (ids, { container }) => {
    if (!ids?.length) return
    await container.resolve<ICustomerModuleService>(Modules.CUSTOMER).restoreCustomerGroups(ids)
  }
)
