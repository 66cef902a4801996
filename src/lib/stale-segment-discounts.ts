import { Modules } from "@medusajs/framework/utils"
import type { IPromotionModuleService } from "@medusajs/framework/types"
import { GROUP_RULE_ATTRIBUTE } from "./gated-offers"
import { isManagedGroup } from "./managed-group"

type Resolver = { resolve<T = unknown>(key: string): T }

export type CartForCheck = {
  promotions?: ({ id: string; code?: string | null } | null)[] | null
  customer?: { groups?: ({ id: string } | null)[] | null } | null
}

/**
 * Promotions on the cart that are gated to segment-managed customer groups the customer is no longer in.
 * Medusa does not re-check group rules when a cart completes, so such a discount would reach the order.
 */
export async function staleSegmentDiscounts(container: Resolver, cart: CartForCheck): Promise<string[]> {
  const promotionIds = (cart.promotions ?? []).filter(Boolean).map((p) => p!.id)
  if (!promotionIds.length) return []
  const customerGroups = new Set((cart.customer?.groups ?? []).filter(Boolean).map((g) => g!.id))
  const promotions = await container.resolve<IPromotionModuleService>(Modules.PROMOTION).listPromotions(
    { id: promotionIds },
    { relations: ["rules", "rules.values"], take: null }
  )
  const groupRuleValues = promotions.map((p) => ({
    promotion: p,
    groups: (p.rules ?? [])
      .filter((r) => r.attribute === GROUP_RULE_ATTRIBUTE)
      .flatMap((r) => (r.values ?? []).map((v) => v.value as string)),
  }))
  const gated = groupRuleValues.filter((g) => g.groups.length)
  if (!gated.length) return []
  const allGroups = [...new Set(gated.flatMap((g) => g.groups))]
  const managed = new Set(
    (await container.resolve<any>(Modules.CUSTOMER).listCustomerGroups({ id: allGroups }, { select: ["id", "metadata"] }))
      .filter((g: { metadata?: Record<string, unknown> | null }) => isManagedGroup(g.metadata))
      .map((g: { id: string }) => g.id)
  )
  return gated
    .filter((g) => g.groups.some((id) => managed.has(id)) && !g.groups.some((id) => customerGroups.has(id)))
    .map((g) => g.promotion.code ?? g.promotion.id)
}
