// Offers gated to demo segments, made the way a merchant makes them: Medusa's promotion / price-list workflows create
// them as drafts, the plugin's gateToSegmentWorkflow gates them (the segment's managed group in `customer.groups.id
// in [...]`), then they are activated — never active before they are gated (an active automatic promotion or price
// list without a group rule applies to everyone).
//   VIP10          automatic 10% off the order for `vip` (public) — listed by /store/personalization/offers
//   Member prices  a sale price list (15% off four of the priciest products) for `repeat-buyers` (public)
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import {
  createPriceListsWorkflow,
  createPromotionsWorkflow,
  updatePriceListsWorkflow,
  updatePromotionsStatusWorkflow,
} from "@medusajs/medusa/core-flows"
import manifest from "./manifest.json"
import type { SeededProduct } from "./products"
import { gateToSegmentWorkflow } from "../../workflows/segments/gate-to-segment"

export const VIP_DISCOUNT_PERCENT = 10
export const MEMBER_PRICE_FACTOR = 0.85

/** The products on the member price list: the four priciest (first variant), ties by handle. */
export function memberPriceProducts(products: SeededProduct[]): SeededProduct[] {
  return [...products]
    .sort((a, b) => b.variants[0].price - a.variants[0].price || a.handle.localeCompare(b.handle))
    .slice(0, Math.min(4, products.length))
}

export const memberPrice = (price: number) => Math.max(1, Math.round(price * MEMBER_PRICE_FACTOR))

/** Creates (draft → gated → active) whichever of the two offers is missing; an existing one is (re-)gated only. */
export async function ensureDemoOffers(
  container: MedusaContainer,
  ctx: { products: SeededProduct[]; segmentIds: Record<string, string>; log: (m: string) => void }
): Promise<{ promotionId: string; priceListId: string }> {
  const promotions = container.resolve(Modules.PROMOTION)
  let [promotion] = await promotions.listPromotions({ code: manifest.promotionCode }, { select: ["id", "status"] })
  if (!promotion) {
    const { result } = await createPromotionsWorkflow(container).run({
      input: {
        promotionsData: [
          {
            code: manifest.promotionCode,
            type: "standard",
            status: "draft",
            is_automatic: true,
            application_method: { type: "percentage", target_type: "order", allocation: "across", value: VIP_DISCOUNT_PERCENT, currency_code: "eur" },
          },
        ],
      },
    })
    promotion = result[0] as typeof promotion
    ctx.log(`promotion ${manifest.promotionCode} created`)
  }
  await gateToSegmentWorkflow(container).run({ input: { segment_id: ctx.segmentIds["vip"], promotion_id: promotion.id } })
  if (promotion.status === "draft") {
    await updatePromotionsStatusWorkflow(container).run({ input: { promotionsData: [{ id: promotion.id, status: "active" as any }] } })
  }

  const pricing = container.resolve(Modules.PRICING)
  let list: { id: string; status?: string } | undefined = (await pricing.listPriceLists({ q: manifest.priceListTitle }, { select: ["id", "status", "title"] })).find(
    (l) => l.title === manifest.priceListTitle
  )
  if (!list) {
    const prices = memberPriceProducts(ctx.products).flatMap((p) =>
      p.variants.map((v) => ({ variant_id: v.id, amount: memberPrice(v.price), currency_code: "eur" }))
    )
    const { result } = await createPriceListsWorkflow(container).run({
      input: {
        price_lists_data: [
          {
            title: manifest.priceListTitle,
            name: manifest.priceListTitle,
            description: `${Math.round((1 - MEMBER_PRICE_FACTOR) * 100)}% off a few favourites for repeat buyers`,
            type: "sale",
            status: "draft",
            prices,
          } as any,
        ],
      },
    })
    list = result[0]
    ctx.log(`price list '${manifest.priceListTitle}' created (${prices.length} prices)`)
  }
  if (!list) throw new Error(`price list '${manifest.priceListTitle}' was not created`)
  await gateToSegmentWorkflow(container).run({ input: { segment_id: ctx.segmentIds["repeat-buyers"], price_list_id: list.id } })
  if (list.status === "draft") {
    await updatePriceListsWorkflow(container).run({ input: { price_lists_data: [{ id: list.id, status: "active" as any }] } })
  }
  return { promotionId: promotion.id, priceListId: list.id }
}
