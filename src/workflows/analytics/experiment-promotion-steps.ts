// Steps the experiment workflows run for a promotion holdout: the promotion's holdout rule (lib/experiments/
// holdout-rule.ts) is added when the experiment starts and removed when it stops or is deleted, and the open carts
// of the segment members are re-priced right after, so the control arm's carts lose the promotion (and get it back)
// without waiting for the shopper's next cart write — as gating a promotion re-prices members' carts.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { sql } from "../../lib/db/raw-sql"
import { findGatedOffers } from "../../lib/gated-offers"
import { addHoldoutRule, removeHoldoutRule } from "../../lib/experiments/holdout-rule"
import { experimentsChanged } from "../../lib/experiments/expose"
import { repriceOpenCarts } from "../../lib/pipeline/reprice-open-carts"

type Resolver = { resolve<T = unknown>(key: string): T }
export type HoldoutTarget = { experiment_id: string; promotion_id: string | null }

/** The experiment's promotion (null for a placement experiment or an unknown id). */
async function targetOf(container: Resolver, experimentId: string): Promise<HoldoutTarget> {
  const [row] = await sql<{ target_type: string; target_id: string }>(
    container,
    `SELECT target_type, target_id FROM personalization_experiment WHERE id = $1`,
    [experimentId]
  )
  return { experiment_id: experimentId, promotion_id: row?.target_type === "promotion" ? row.target_id : null }
}

/** On start: the promotion gets its holdout rule. Compensation removes it. */
export const addPromotionHoldoutRuleStep = createStep(
  "personalization-add-promotion-holdout-rule",
  async (input: { experiment_id: string }, { container }) => {
    const target = await targetOf(container, input.experiment_id)
    const added = target.promotion_id ? await addHoldoutRule(container, target.promotion_id, target.experiment_id) : null
    return new StepResponse(target, added ? target : null)
  },
  async (undo, { container }) => {
    if (undo?.promotion_id) await removeHoldoutRule(container, undo.promotion_id, undo.experiment_id)
  }
)

/** On stop / delete: the promotion's holdout rule goes. Compensation puts it back. */
export const removePromotionHoldoutRuleStep = createStep(
  "personalization-remove-promotion-holdout-rule",
  async (input: { experiment_id: string }, { container }) => {
    const target = await targetOf(container, input.experiment_id)
    const removed = target.promotion_id ? await removeHoldoutRule(container, target.promotion_id, target.experiment_id) : false
    return new StepResponse(target, removed ? target : null)
  },
  async (undo, { container }) => {
    if (undo?.promotion_id) await addHoldoutRule(container, undo.promotion_id, undo.experiment_id)
  }
)

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
