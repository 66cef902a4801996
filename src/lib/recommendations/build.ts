// One similarity build: read orders and consented behaviour, compute the top-K neighbours per product.
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import type { PluginOptions } from "../../modules/personalization/options"
import { buildSimilarity, type Neighbor, type SimilarityOptions } from "../../core/recommendations"
import { loadCartBaskets, loadOrderBaskets, loadViewBaskets } from "./data"

type Resolver = { resolve<T = unknown>(key: string): T }

export type SimilaritySettings = PluginOptions["recommendations"]

export type SimilarityBuild = {
  rows: Neighbor[]
  stats: { orders: number; view_sessions: number; carts: number; products: number; rows: number }
  params: SimilarityOptions & { consent_required: boolean }
}

export function similarityOptionsOf(settings: SimilaritySettings): SimilarityOptions {
  return {
    metric: settings.metric,
    topK: settings.neighbors,
    minSupport: settings.minSupport,
    weights: { purchase: 1, view: settings.viewWeight, cart: settings.cartWeight },
  }
}

export async function computeProductSimilarity(
  container: Resolver,
  overrides: Partial<SimilaritySettings> = {}
): Promise<SimilarityBuild> {
  const service = container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)
  const options = service.getOptions()
  const settings = { ...options.recommendations, ...overrides }
  const requireConsent = options.consent.required
  const orders = await loadOrderBaskets(container)
  // Behaviour only when it has a weight, and only of profiles that consent (when consent is required).
  const views = settings.viewWeight > 0 ? await loadViewBaskets(container, { requireConsent }) : []
  const carts = settings.cartWeight > 0 ? await loadCartBaskets(container, { requireConsent }) : []
  const similarity = similarityOptionsOf(settings)
  const rows = buildSimilarity(
    [...orders.map((o) => ({ kind: "purchase" as const, items: o.items })), ...views, ...carts],
    similarity
  )
  return {
    rows,
    stats: {
      orders: orders.length,
      view_sessions: views.length,
      carts: carts.length,
      products: new Set(rows.map((r) => r.product_id)).size,
      rows: rows.length,
    },
    params: { ...similarity, consent_required: requireConsent },
  }
}
