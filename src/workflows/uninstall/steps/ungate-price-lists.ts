// Takes the plugin's groups out of price lists' `customer.groups.id` rules: the merchant's own groups stay; an
// emptied rule goes and its active price list is set to draft first (it would otherwise price for everyone).
// Re-reads the rules when it runs. Compensation restores each rule and status.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { IPricingModuleService } from "@medusajs/framework/types"
import { GROUP_RULE_ATTRIBUTE } from "../../../lib/gated-offers"
import { PRICE_LIST_STATUS_WHEN_UNGATED, priceListRuleChanges } from "../../../lib/uninstall/plan"

type Undo = { price_list_id: string; values: string[]; status: string | null }

export type UngatedPriceList = { price_list_id: string; title: string | null; action: "kept-others" | "rule-removed"; drafted: boolean }

export const ungatePriceListsStep = createStep(
  "personalization-uninstall-ungate-price-lists",
  async (input: { our_group_ids: string[] }, { container }) => {
    const pricing = container.resolve<IPricingModuleService>(Modules.PRICING)
    const changes = await priceListRuleChanges(container, input.our_group_ids)
    const undo: Undo[] = []
    const done: UngatedPriceList[] = []
    try {
      for (const c of changes) {
        if (c.change.kind === "none") continue
        const draft = c.change.kind === "remove" && c.change.deactivate
        const entry: Undo = { price_list_id: c.price_list_id, values: c.values, status: null }
        undo.push(entry)
        if (draft) {
          await pricing.updatePriceLists([{ id: c.price_list_id, status: PRICE_LIST_STATUS_WHEN_UNGATED as never }])
          entry.status = c.status
        }
        if (c.change.kind === "keep") {
          await pricing.setPriceListRules({ price_list_id: c.price_list_id, rules: { [GROUP_RULE_ATTRIBUTE]: c.change.values } })
        } else {
          await pricing.removePriceListRules({ price_list_id: c.price_list_id, rules: [GROUP_RULE_ATTRIBUTE] })
        }
        done.push({ price_list_id: c.price_list_id, title: c.title, action: c.change.kind === "keep" ? "kept-others" : "rule-removed", drafted: draft })
      }
    } catch (e) {
      await restore(pricing, undo)
      throw e
    }
    return new StepResponse(done, undo)
  },
  async (undo, { container }) => {
    if (!undo?.length) return
    await restore(container.resolve<IPricingModuleService>(Modules.PRICING), undo)
  }
)

async function restore(pricing: IPricingModuleService, undo: Undo[]) {
  for (const u of [...undo].reverse()) {
    await pricing.setPriceListRules({ price_list_id: u.price_list_id, rules: { [GROUP_RULE_ATTRIBUTE]: u.values } })
    if (u.status) await pricing.updatePriceLists([{ id: u.price_list_id, status: u.status as never }])
  }
}
