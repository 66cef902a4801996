// Takes the plugin's groups (and experiments' holdout markers) out of promotions' `customer.groups.id` rules, as
// core/uninstall/group-rules.ts decides: the merchant's own groups stay; an emptied gate goes and its active promotion
// is deactivated first (so it is never, even for a moment, open to everyone). Re-reads the rules when it runs.
// Compensation restores each rule's values (a removed rule is added back) and the promotion's status.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { IPromotionModuleService } from "@medusajs/framework/types"
import { GROUP_RULE_ATTRIBUTE } from "../../../lib/gated-offers"
import { PROMOTION_STATUS_WHEN_UNGATED, promotionRuleChanges } from "../../../lib/uninstall/plan"

type Undo = {
  promotion_id: string
  rule_id: string
  operator: string
  values: string[]
  removed: boolean
  status: string | null // the status to restore, when it was changed
}

export type UngatedPromotion = { promotion_id: string; code: string | null; rule_id: string; action: "kept-others" | "rule-removed"; deactivated: boolean }

export const ungatePromotionsStep = createStep(
  "personalization-uninstall-ungate-promotions",
  async (input: { our_group_ids: string[] }, { container }) => {
    const promotions = container.resolve<IPromotionModuleService>(Modules.PROMOTION)
    const changes = await promotionRuleChanges(container, input.our_group_ids)
    const undo: Undo[] = []
    const done: UngatedPromotion[] = []
    try {
      for (const c of changes) {
        if (c.change.kind === "none") continue
        const deactivate = c.change.kind === "remove" && c.change.deactivate
        const entry: Undo = { promotion_id: c.promotion_id, rule_id: c.rule_id, operator: c.operator, values: c.values, removed: false, status: null }
        undo.push(entry)
        if (deactivate) {
          await promotions.updatePromotions([{ id: c.promotion_id, status: PROMOTION_STATUS_WHEN_UNGATED as never }])
          entry.status = c.status
        }
        if (c.change.kind === "keep") {
          await promotions.updatePromotionRules([{ id: c.rule_id, values: c.change.values }])
        } else {
          await promotions.removePromotionRules(c.promotion_id, [c.rule_id])
          entry.removed = true
        }
        done.push({
          promotion_id: c.promotion_id,
          code: c.code,
          rule_id: c.rule_id,
          action: c.change.kind === "keep" ? "kept-others" : "rule-removed",
          deactivated: deactivate,
        })
      }
    } catch (e) {
      await restore(promotions, undo)
      throw e
    }
    return new StepResponse(done, undo)
  },
  async (undo, { container }) => {
    if (!undo?.length) return
    await restore(container.resolve<IPromotionModuleService>(Modules.PROMOTION), undo)
  }
)

async function restore(promotions: IPromotionModuleService, undo: Undo[]) {
  for (const u of [...undo].reverse()) {
    if (u.removed) {
      await promotions.addPromotionRules(u.promotion_id, [{ attribute: GROUP_RULE_ATTRIBUTE, operator: u.operator as "in", values: u.values }])
    } else {
      await promotions.updatePromotionRules([{ id: u.rule_id, values: u.values }])
    }
    if (u.status) await promotions.updatePromotions([{ id: u.promotion_id, status: u.status as never }])
  }
}
