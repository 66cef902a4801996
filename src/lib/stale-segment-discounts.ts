import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { IPromotionModuleService } from "@medusajs/framework/types"
import { GROUP_RULE_ATTRIBUTE } from "./gated-offers"
import { isManagedGroup } from "./managed-group"
import { PERSONALIZATION_MODULE } from "../modules/personalization"

type Resolver = { resolve<T = unknown>(key: string): T }

/**
 * What the check reads from the cart: only ids. `completeCartWorkflow` loads `customer.*` but not
 * `customer.groups`, so the customer's groups are never taken from the cart; they are queried here.
 */
export type CartForCheck = {
  id?: string
  customer_id?: string | null
  customer?: { id?: string | null } | null
  promotions?: ({ id: string } | null)[] | null
}

export type StaleDiscount = { promotion_id: string; code: string; segment_ids: string[] }

/**
 * Promotions on the cart that are gated to segment-managed customer groups of segments the customer has LEFT:
 * the promotion's group rule admits the customer through none of its groups (current links, one query by
 * customer id) and through no segment the customer is still an open member of. Medusa does not re-check group
 * rules when a cart completes, so such a discount would otherwise reach the order.
 *
 * Not stale: promotions without a group rule; rules naming only groups the plugin does not manage (the store's own
 * rules are left to Medusa); a promotion the customer still qualifies for through any of its groups; a managed
 * group whose link is missing while the membership is open (an inconsistency the refresh repairs — the customer
 * has not left, so checkout is not blocked). A guest cart (no customer) is in no group: only a managed-group
 * discount on it is stale.
 */
export async function staleSegmentDiscounts(container: Resolver, cart: CartForCheck): Promise<StaleDiscount[]> {
  const promotionIds = (cart.promotions ?? []).filter(Boolean).map((p) => p!.id)
  if (!promotionIds.length) return []
  const promotions = await container.resolve<IPromotionModuleService>(Modules.PROMOTION).listPromotions(
    { id: promotionIds },
    { relations: ["rules", "rules.values"], take: null }
  )
  const gated = promotions
    .map((p) => ({
      promotion: p,
      groups: (p.rules ?? [])
        // Only the rules that admit by group (`in` / `eq`); a `ne` rule (e.g. an experiment's holdout marker) excludes.
        .filter((r) => r.attribute === GROUP_RULE_ATTRIBUTE && (r.operator === "in" || r.operator === "eq"))
        .flatMap((r) => (r.values ?? []).map((v) => v.value as string)),
    }))
    .filter((g) => g.groups.length)
  if (!gated.length) return []

  // Which of those groups the plugin manages, and for which segment.
  const allGroups = [...new Set(gated.flatMap((g) => g.groups))]
  const segmentOfGroup = new Map<string, string>()
  const groups = await container
    .resolve<any>(Modules.CUSTOMER)
    .listCustomerGroups({ id: allGroups }, { select: ["id", "metadata"], take: null })
  for (const g of groups as { id: string; metadata?: Record<string, unknown> | null }[]) {
    if (isManagedGroup(g.metadata)) segmentOfGroup.set(g.id, String(g.metadata!.segment_id ?? ""))
  }
  const managedGated = gated.filter((g) => g.groups.some((id) => segmentOfGroup.has(id)))
  if (!managedGated.length) return []

  const customerId = cart.customer_id ?? cart.customer?.id ?? null
  const { groupIds, segmentIds } = customerId ? await currentMembership(container, customerId) : { groupIds: new Set<string>(), segmentIds: new Set<string>() }
  return managedGated
    .filter((g) => !g.groups.some((id) => groupIds.has(id) || segmentIds.has(segmentOfGroup.get(id) ?? "")))
    .map((g) => ({
      promotion_id: g.promotion.id,
      code: g.promotion.code ?? g.promotion.id,
      segment_ids: g.groups.map((id) => segmentOfGroup.get(id)).filter((s): s is string => !!s),
    }))
}

/** The customer's groups now (one query by customer id) and the segments they are an open member of. */
async function currentMembership(container: Resolver, customerId: string) {
  const query = container.resolve<any>(ContainerRegistrationKeys.QUERY)
  const [{ data: customers }, open] = await Promise.all([
    query.graph({ entity: "customer", fields: ["id", "groups.id"], filters: { id: customerId } }),
    container
      .resolve<any>(PERSONALIZATION_MODULE)
      .listSegmentMemberships({ customer_id: customerId, exited_at: null }, { select: ["id", "segment_id"], take: null }),
  ])
  const groupIds = new Set<string>(((customers[0]?.groups ?? []) as ({ id: string } | null)[]).filter(Boolean).map((g) => g!.id))
  const segmentIds = new Set<string>((open as { segment_id: string }[]).map((m) => m.segment_id))
  return { groupIds, segmentIds }
}
