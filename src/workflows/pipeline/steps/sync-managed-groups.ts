import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import type { ProfilePlan } from "./plan-profile-memberships"
import { traceMark } from "../../../lib/pipeline/trace"

type Pair = { customer_id: string; customer_group_id: string }

/**
 * Mirrors membership changes into the segments' managed customer groups, which is what promotions and
 * price lists gate on. Compensation reverses exactly the links it changed.
 */
export const syncManagedGroupsStep = createStep(
  "personalization-sync-managed-groups",
  async (input: { plan: ProfilePlan | null; customerExists: boolean }, { container }) => {
    const plan = input.plan
    traceMark(plan?.customer_id, "groups:start")
    if (!plan?.customer_id || !input.customerExists) return new StepResponse(undefined, null)
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const wantIn = plan.enter.filter((e) => e.customer_group_id).map((e) => e.customer_group_id!)
    const wantOut = plan.exit.filter((e) => e.customer_group_id).map((e) => e.customer_group_id!)
    if (!wantIn.length && !wantOut.length) return new StepResponse(undefined, null)
    const current = await customers.listCustomerGroupCustomers(
      { customer_id: plan.customer_id, customer_group_id: [...wantIn, ...wantOut] },
      { select: ["customer_group_id"], take: null }
    )
    const inGroup = new Set(current.map((c) => c.customer_group_id))
    const add: Pair[] = wantIn.filter((g) => !inGroup.has(g)).map((g) => ({ customer_id: plan.customer_id!, customer_group_id: g }))
    const remove: Pair[] = wantOut.filter((g) => inGroup.has(g)).map((g) => ({ customer_id: plan.customer_id!, customer_group_id: g }))
    if (add.length) await customers.addCustomerToGroup(add)
    if (remove.length) await customers.removeCustomerFromGroup(remove)
    traceMark(plan.customer_id, "groups:end")
    return new StepResponse(undefined, { add, remove })
  },
  async (undo, { container }) => {
    if (!undo) return
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    if (undo.add.length) await customers.removeCustomerFromGroup(undo.add)
    if (undo.remove.length) await customers.addCustomerToGroup(undo.remove)
  }
)
