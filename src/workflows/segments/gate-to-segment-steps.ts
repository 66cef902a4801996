// Steps of gateToSegmentWorkflow: add the segment's managed group to a promotion's or a price list's
// `customer.groups.id in [...]` rule, merging with a group rule that is already there. Each compensation
// removes exactly what its step added (the added rule, or the added value).
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import type { IPricingModuleService, IPromotionModuleService } from "@medusajs/framework/types"
import { GROUP_RULE_ATTRIBUTE } from "../../lib/gated-offers"
import { conflict } from "../../lib/errors"
import { repriceOpenCarts } from "../../lib/pipeline/reprice-open-carts"

export type GateResult = {
  changed: boolean
  rule: { attribute: string; operator: string; values: string[] }
}

const notFoundField = (field: string, what: string, id: string) =>
  new MedusaError(MedusaError.Types.NOT_FOUND, `${field}: ${what} '${id}' was not found`)

export function requireGroup(segment: { id: string; customer_group_id?: string | null }): string {
  if (!segment.customer_group_id) {
    throw conflict(`segment ${segment.id} has no managed customer group (re-activate it to recreate one)`)
  }
  return segment.customer_group_id
}

type PromotionUndo =
  | { kind: "added"; promotion_id: string; rule_id: string }
  | { kind: "updated"; rule_id: string; operator: string; values: string[] }

export const gatePromotionStep = createStep(
  "personalization-gate-promotion",
  async (input: { promotion_id: string; group_id: string }, { container }) => {
    const promotions = container.resolve<IPromotionModuleService>(Modules.PROMOTION)
    const [promotion] = await promotions.listPromotions({ id: input.promotion_id }, { relations: ["rules", "rules.values"], take: 1 })
    if (!promotion) throw notFoundField("promotion_id", "promotion", input.promotion_id)
    // An `in`/`eq` rule on the groups is merged into (any listed group qualifies); a `ne` rule (excluded groups)
    // is left as it is and a separate `in` rule is added next to it.
    const existing = (promotion.rules ?? []).find(
      (r) => r.attribute === GROUP_RULE_ATTRIBUTE && (r.operator === "in" || r.operator === "eq")
    )
    const values = (existing?.values ?? []).map((v) => v.value).filter((v): v is string => !!v)
    if (existing && existing.operator === "in" && values.includes(input.group_id)) {
      return new StepResponse<GateResult, PromotionUndo | null>(
        { changed: false, rule: { attribute: GROUP_RULE_ATTRIBUTE, operator: "in", values } },
        null
      )
    }
    if (existing) {
      const next = [...new Set([...values, input.group_id])]
      await promotions.updatePromotionRules([{ id: existing.id, operator: "in", values: next }])
      return new StepResponse<GateResult, PromotionUndo | null>(
        { changed: true, rule: { attribute: GROUP_RULE_ATTRIBUTE, operator: "in", values: next } },
        { kind: "updated", rule_id: existing.id, operator: existing.operator as string, values }
      )
    }
    const [rule] = await promotions.addPromotionRules(promotion.id, [
      { attribute: GROUP_RULE_ATTRIBUTE, operator: "in", values: [input.group_id] },
    ])
    return new StepResponse<GateResult, PromotionUndo | null>(
      { changed: true, rule: { attribute: GROUP_RULE_ATTRIBUTE, operator: "in", values: [input.group_id] } },
      { kind: "added", promotion_id: promotion.id, rule_id: rule.id }
    )
  },
  async (undo, { container }) => {
    if (!undo) return
    const promotions = container.resolve<IPromotionModuleService>(Modules.PROMOTION)
    if (undo.kind === "added") await promotions.removePromotionRules(undo.promotion_id, [undo.rule_id])
    else await promotions.updatePromotionRules([{ id: undo.rule_id, operator: undo.operator as "in", values: undo.values }])
  }
)

type PriceListUndo = { price_list_id: string; previous: string[] | null }

export const gatePriceListStep = createStep(
  "personalization-gate-price-list",
  async (input: { price_list_id: string; group_id: string }, { container }) => {
    const pricing = container.resolve<IPricingModuleService>(Modules.PRICING)
    const [list] = await pricing.listPriceLists({ id: [input.price_list_id] }, { relations: ["price_list_rules"], take: 1 })
    if (!list) throw notFoundField("price_list_id", "price list", input.price_list_id)
    const rule = (list.price_list_rules ?? []).find((r) => r.attribute === GROUP_RULE_ATTRIBUTE)
    const previous = rule ? (Array.isArray(rule.value) ? rule.value : [rule.value]).filter(Boolean) : null
    if (previous?.includes(input.group_id)) {
      return new StepResponse<GateResult, PriceListUndo | null>(
        { changed: false, rule: { attribute: GROUP_RULE_ATTRIBUTE, operator: "in", values: previous } },
        null
      )
    }
    const next = [...new Set([...(previous ?? []), input.group_id])]
    await pricing.setPriceListRules({ price_list_id: list.id, rules: { [GROUP_RULE_ATTRIBUTE]: next } })
    return new StepResponse<GateResult, PriceListUndo | null>(
      { changed: true, rule: { attribute: GROUP_RULE_ATTRIBUTE, operator: "in", values: next } },
      { price_list_id: list.id, previous }
    )
  },
  async (undo, { container }) => {
    if (!undo) return
    const pricing = container.resolve<IPricingModuleService>(Modules.PRICING)
    if (undo.previous === null) {
      await pricing.removePriceListRules({ price_list_id: undo.price_list_id, rules: [GROUP_RULE_ATTRIBUTE] })
    } else {
      await pricing.setPriceListRules({ price_list_id: undo.price_list_id, rules: { [GROUP_RULE_ATTRIBUTE]: undo.previous } })
    }
  }
)

/**
 * Medusa applies automatic promotions on the next cart write only, so members' open carts are re-priced
 * now (best effort: a cart that fails is logged and skipped; nothing to undo, re-pricing is idempotent).
 */
export const repriceGroupCartsStep = createStep(
  "personalization-gate-reprice-carts",
  async (input: { group_id: string; changed: boolean }, { container }) => {
    if (!input.changed) return new StepResponse(0)
    const customers = container.resolve(Modules.CUSTOMER)
    const links = await customers.listCustomerGroupCustomers({ customer_group_id: input.group_id }, { select: ["customer_id"], take: null })
    const repriced = await repriceOpenCarts(
      container as never,
      links.map((l: { customer_id: string }) => l.customer_id),
      "gating a promotion to a segment"
    )
    return new StepResponse(repriced)
  }
)
