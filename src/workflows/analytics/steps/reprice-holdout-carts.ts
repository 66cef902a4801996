// A promotion holdout (lib/experiments/holdout-rule.ts) is added when the experiment starts and removed when it stops or
// is deleted; repriceHoldoutCartsStep then re-prices the segment members' open carts, so the control arm's carts lose
// the promotion (and get it back) without waiting for the shopper's next cart write.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { sql } from "../../../lib/db/raw-sql"
import { findGatedOffers } from "../../../lib/gated-offers"
import { experimentsChanged } from "../../../lib/experiments/expose"
import { repriceOpenCarts } from "../../../lib/pipeline/reprice-open-carts"
import type { HoldoutTarget } from "../../../lib/experiments/holdout-target"

/**
 * Re-prices the open carts of every customer in a managed group the promotion is gated to (best effort: a cart
 * that fails is logged and skipped; re-pricing is idempotent, nothing to undo). Returns how many carts.
 */
export const repriceHoldoutCartsStep = createStep(
  "personalization-reprice-holdout-carts",
  async (input: HoldoutTarget, { container }) => {
    if (!input.promotion_id) return new StepResponse(0)
    experimentsChanged() // the hook must see the experiment's new status, not a cached one
    const groups = await sql<{ customer_group_id: string }>(
      container,
      `SELECT customer_group_id FROM personalization_segment WHERE customer_group_id IS NOT NULL AND deleted_at IS NULL`
    )
    const gated = await findGatedOffers(container, groups.map((g) => g.customer_group_id))
    const groupIds = gated.promotions.find((p) => p.id === input.promotion_id)?.group_ids ?? []
    if (!groupIds.length) return new StepResponse(0)
    const links = await container
      .resolve<ICustomerModuleService>(Modules.CUSTOMER)
      .listCustomerGroupCustomers({ customer_group_id: groupIds }, { select: ["customer_id"], take: null })
    const repriced = await repriceOpenCarts(
      container as never,
      links.map((l: { customer_id: string }) => l.customer_id),
      "a promotion holdout starting or stopping"
    )
    return new StepResponse(repriced)
  }
)
