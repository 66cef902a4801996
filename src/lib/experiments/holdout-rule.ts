// A promotion under a running holdout carries one extra rule: `customer.groups.id ne [<holdout marker>]`, the marker
// being a pseudo group id made from the experiment id (no such customer group exists). Everyone passes it, since no
// customer is in that group, until the cart-pricing hook (promotion-holdout.ts) adds the marker to a control
// subject's groups: then this promotion, and only this one, fails its rules. Other promotions gated to the same
// segment still apply (holding back the segment's whole group could not do that), and the control subject keeps the
// segment's group for everything else. The experiment workflows add the rule on start and remove it on stop/delete.
//
// Why a rule on `customer.groups.id`: the hook's context is merged into Medusa's compute context, but an automatic
// promotion is pre-filtered out when it has a rule on an attribute the context lacks; every customer cart that can
// carry a segment-gated promotion has `customer.groups`, so this attribute is always there when it matters.
import { Modules } from "@medusajs/framework/utils"
import type { IPromotionModuleService } from "@medusajs/framework/types"
import { GROUP_RULE_ATTRIBUTE } from "../gated-offers"

type Resolver = { resolve<T = unknown>(key: string): T }

export const HOLDOUT_MARKER_PREFIX = "pxhold_"

/** The pseudo group id that marks a control subject of this experiment (never a real customer group). */
export const holdoutMarker = (experimentId: string) => `${HOLDOUT_MARKER_PREFIX}${experimentId}`

export const isHoldoutMarker = (groupId: string | null | undefined) => !!groupId && groupId.startsWith(HOLDOUT_MARKER_PREFIX)

const promotionsOf = (container: Resolver) => container.resolve<IPromotionModuleService>(Modules.PROMOTION)

/** The promotion's holdout rule for this experiment, if any. */
async function findHoldoutRule(container: Resolver, promotionId: string, experimentId: string) {
  const [promotion] = await promotionsOf(container).listPromotions({ id: [promotionId] }, { relations: ["rules", "rules.values"], take: 1 })
  if (!promotion) return { promotion: null, rule: null }
  const marker = holdoutMarker(experimentId)
  const rule =
    (promotion.rules ?? []).find(
      (r) => r.attribute === GROUP_RULE_ATTRIBUTE && r.operator === "ne" && (r.values ?? []).some((v) => v.value === marker)
    ) ?? null
  return { promotion, rule }
}

/** Adds the holdout rule (idempotent). Returns the added rule's id, or null when it was already there. */
export async function addHoldoutRule(container: Resolver, promotionId: string, experimentId: string): Promise<string | null> {
  const { promotion, rule } = await findHoldoutRule(container, promotionId, experimentId)
  if (!promotion || rule) return null
  const [added] = await promotionsOf(container).addPromotionRules(promotionId, [
    { attribute: GROUP_RULE_ATTRIBUTE, operator: "ne", values: [holdoutMarker(experimentId)] },
  ])
  return added.id
}

/**
 * Removes the experiment's marker from the promotion: the whole rule when it holds only the marker, else just the
 * value. Returns true when something was removed (false: no promotion or no rule, nothing to do).
 */
export async function removeHoldoutRule(container: Resolver, promotionId: string, experimentId: string): Promise<boolean> {
  const { rule } = await findHoldoutRule(container, promotionId, experimentId)
  if (!rule) return false
  const marker = holdoutMarker(experimentId)
  const rest = (rule.values ?? []).map((v) => v.value as string).filter((v) => v && v !== marker)
  if (rest.length) await promotionsOf(container).updatePromotionRules([{ id: rule.id, values: rest }])
  else await promotionsOf(container).removePromotionRules(promotionId, [rule.id])
  return true
}
