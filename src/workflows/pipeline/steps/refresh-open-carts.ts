import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { repriceOpenCarts } from "../../../lib/pipeline/reprice-open-carts"
import type { ProfilePlan } from "./plan-profile-memberships"
import { traceMark } from "../../../lib/pipeline/trace"

/** Re-prices the customer's open carts when a managed group changed (see lib/pipeline/reprice-open-carts). */
export const refreshOpenCartsStep = createStep(
  "personalization-refresh-open-carts",
  async (input: { plan: ProfilePlan | null }, { container }) => {
    const plan = input.plan
    traceMark(plan?.customer_id, "carts:start")
    const touchedGroups = [...(plan?.enter ?? []), ...(plan?.exit ?? [])].some((c) => c.customer_group_id)
    if (!plan?.customer_id || !touchedGroups) return new StepResponse({ refreshed: 0 })
    return new StepResponse({ refreshed: await repriceOpenCarts(container, [plan.customer_id], "a segment change") })
  }
)
