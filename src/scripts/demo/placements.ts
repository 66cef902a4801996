// The demo's storefront slots, made with the plugin's createPlacementWorkflow (variant content validated with the same
// zod schema as the admin route, every id it names checked to exist):
//   home.hero       "We miss you" (lapsed: win-back, best sellers; priority 20) · "Welcome back" (repeat-buyers, member
//                   prices; 10) · "Picked for your home" (home-lovers: the Home category; 5) · default "New in"
//   pdp.cross-sell  default "You may also like" (recommendations for the subject)
// A placement whose handle exists is left as it is (the merchant may have edited it).
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createPlacementWorkflow } from "../../workflows/placements/create-placement"
import { PlacementVariantInput, type PlacementVariantInputType } from "../../lib/storefront/placement-content"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import type { SeededProduct } from "./products"
import { memberPriceProducts } from "./offers"
import { HOME_CATEGORY } from "./visitors"

export const WELCOME_BACK = "Welcome back"

/** Four products spread over the catalogue (sorted by handle) for the default "New in". */
const newIn = (products: SeededProduct[]) => {
  const n = Math.min(4, products.length)
  return [...new Set(Array.from({ length: n }, (_, k) => products[Math.floor((k * products.length) / n)].id))]
}

export function planPlacements(products: SeededProduct[], segmentIds: Record<string, string>, homeCategoryId: string | null) {
  // parsed like an admin request body: the same validation and defaults (e.g. recommendations.limit)
  const v = (variant: unknown): PlacementVariantInputType => PlacementVariantInput.parse(variant)
  const hero = [
    v({ name: "New in", priority: 0, status: "active", content: { title: "New in", subtitle: "Fresh arrivals across the store", product_ids: newIn(products) } }),
    v({
      name: WELCOME_BACK,
      segment_id: segmentIds["repeat-buyers"],
      priority: 10,
      status: "active",
      content: {
        title: "Welcome back",
        subtitle: "Member prices on a few favourites",
        cta: { label: "See member prices", href: "/store?list=member-prices" },
        product_ids: memberPriceProducts(products).map((p) => p.id),
      },
    }),
    v({
      name: "We miss you",
      segment_id: segmentIds["lapsed"],
      // above "Welcome back": a repeat buyer who has not ordered in 90 days is greeted as lapsed
      priority: 20,
      status: "active",
      content: {
        title: "We miss you",
        subtitle: "Here is what other shoppers loved since your last visit",
        cta: { label: "Shop the best sellers", href: "/store" },
        recommendations: { strategy: "popular", limit: 4 },
      },
    }),
  ]
  if (homeCategoryId && segmentIds["home-lovers"]) {
    hero.push(
      v({
        name: "Picked for your home",
        segment_id: segmentIds["home-lovers"],
        priority: 5,
        status: "active",
        content: { title: "Picked for your home", subtitle: "More from the Home range you have been browsing", category_id: homeCategoryId },
      })
    )
  }
  return [
    { handle: "home.hero", description: "The home page hero: a greeting per segment, 'New in' for everyone else.", variants: hero },
    {
      handle: "pdp.cross-sell",
      description: "Product page cross-sell: recommendations for the shopper.",
      variants: [v({ name: "You may also like", priority: 0, status: "active", content: { title: "You may also like", recommendations: { strategy: "for_you", limit: 4 } } })],
    },
  ]
}

export type DemoPlacement = { id: string; handle: string; variants: { id: string; name: string; segment_id: string | null; priority: number; status: string; created_at?: Date | string | null }[] }

/** Creates the missing placements; returns every demo placement with its variants. */
export async function ensureDemoPlacements(
  container: MedusaContainer,
  ctx: { products: SeededProduct[]; segmentIds: Record<string, string>; log: (m: string) => void }
): Promise<DemoPlacement[]> {
  const service = container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: categories } = await query.graph({ entity: "product_category", fields: ["id"], filters: { handle: HOME_CATEGORY } })
  const planned = planPlacements(ctx.products, ctx.segmentIds, categories[0]?.id ?? null)
  const load = async () =>
    (await service.listPlacements({ handle: planned.map((p) => p.handle) }, { relations: ["variants"], take: null })) as unknown as DemoPlacement[]
  const existing = new Set((await load()).map((p) => p.handle))
  for (const p of planned.filter((p) => !existing.has(p.handle))) {
    await createPlacementWorkflow(container).run({ input: p })
    ctx.log(`placement ${p.handle} created (${p.variants.map((v) => v.name).join(", ")})`)
  }
  return load()
}
