import { Modules } from "@medusajs/framework/utils"
import type { IPricingModuleService, IPromotionModuleService } from "@medusajs/framework/types"

export const GROUP_RULE_ATTRIBUTE = "customer.groups.id"

export type GatedOffers = {
  promotions: { id: string; code: string | null; group_ids: string[] }[]
  price_lists: { id: string; title: string | null; group_ids: string[] }[]
}

type Resolver = { resolve<T = unknown>(key: string): T }

/** Promotions and price lists whose customer-group rule names any of `groupIds` (soft-deleted ones excluded). */
export async function findGatedOffers(container: Resolver, groupIds: string[]): Promise<GatedOffers> {
  const wanted = new Set(groupIds.filter(Boolean))
  if (!wanted.size) return { promotions: [], price_lists: [] }
  const promotionService = container.resolve<IPromotionModuleService>(Modules.PROMOTION)
  const pricingService = container.resolve<IPricingModuleService>(Modules.PRICING)

  const [promotionRules, priceListRules] = await Promise.all([
    promotionService.listPromotionRules(
      { attribute: GROUP_RULE_ATTRIBUTE } as Record<string, unknown>,
      { relations: ["values", "promotions"], take: null }
    ),
    pricingService.listPriceListRules({ attribute: GROUP_RULE_ATTRIBUTE } as Record<string, unknown>, { relations: ["price_list"], take: null }),
  ])

  const promotions = new Map<string, GatedOffers["promotions"][number]>()
  for (const rule of promotionRules) {
    const hits = (rule.values ?? []).map((v) => v.value).filter((v): v is string => !!v && wanted.has(v))
    if (!hits.length) continue
    for (const p of (rule as { promotions?: { id: string; code?: string | null }[] }).promotions ?? []) {
      const entry = promotions.get(p.id) ?? { id: p.id, code: p.code ?? null, group_ids: [] }
      entry.group_ids = [...new Set([...entry.group_ids, ...hits])]
      promotions.set(p.id, entry)
    }
  }

  const priceLists = new Map<string, GatedOffers["price_lists"][number]>()
  for (const rule of priceListRules) {
    const values = Array.isArray(rule.value) ? rule.value : [rule.value]
    const hits = values.filter((v): v is string => typeof v === "string" && wanted.has(v))
    const list = (rule as { price_list?: { id: string; title?: string | null; deleted_at?: unknown } }).price_list
    if (!hits.length || !list || list.deleted_at) continue
    const entry = priceLists.get(list.id) ?? { id: list.id, title: list.title ?? null, group_ids: [] }
    entry.group_ids = [...new Set([...entry.group_ids, ...hits])]
    priceLists.set(list.id, entry)
  }

  return { promotions: [...promotions.values()], price_lists: [...priceLists.values()] }
}
