// A promotion holdout (lib/experiments/holdout-rule.ts) is added when the experiment starts and removed when it stops or
// is deleted; repriceHoldoutCartsStep then re-prices the segment members' open carts, so the control arm's carts lose
// the promotion (and get it back) without waiting for the shopper's next cart write.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { addHoldoutRule, removeHoldoutRule } from "../../../lib/experiments/holdout-rule"
import { holdoutTargetOf } from "../../../lib/experiments/holdout-target"

/** On start: the promotion gets its holdout rule. Compensation removes it. */
export const addPromotionHoldoutRuleStep = createStep(
  "personalization-add-promotion-holdout-rule",
  async (input: { experiment_id: string }, { container }) => {
    const target = await holdoutTargetOf(container, input.experiment_id)
    const added = target.promotion_id ? await addHoldoutRule(container, target.promotion_id, target.experiment_id) : null
    return new StepResponse(target, added ? target : null)
  },
  async (undo, { container }) => {
    if (undo?.promotion_id) await removeHoldoutRule(container, undo.promotion_id, undo.experiment_id)
  }
)

