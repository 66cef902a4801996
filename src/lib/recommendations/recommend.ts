// Recommendations for a store caller: similar items, from the cart, or "for you", with the cold-start
// fallbacks (the best sellers of the subject's segments, then of the store), filtered to what the caller may
// buy (published, in the publishable key's sales channels) and priced like sections.
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { fill, forYou, scoreFromSeeds, type Edge, type RecommendationReason, type Scored } from "../../core/recommendations"
import { consentGranted, findProfile, type ProfileRow } from "../privacy/profiles"
import type { StoreSubject } from "../privacy/subject"
import { sql } from "../db/raw-sql"
import { inSalesChannels, loadPricedProducts, type PricedProduct, type StoreContext } from "../storefront/priced-products"
import { RECOMMENDATION_PURPOSE } from "./data"
import { segmentBestsellers, storeBestsellers } from "./bestsellers"
import { boughtProducts, cartProducts, currentSegments, viewedProducts } from "./subject"
import { notFoundField } from "./errors"

type Resolver = { resolve<T = unknown>(key: string): T }

/** `similar` needs `product_id`; `cart` reads the subject's open cart (or `cart_id`); `popular` skips personal data. */
export type RecommendationStrategy = "similar" | "cart" | "for_you" | "popular"

export type RecommendOptions = {
  strategy: RecommendationStrategy
  /** 1–50. */
  limit: number
  /** Region, sales channels and customer groups of the request (lib/storefront/priced-products resolveStoreContext). */
  store: StoreContext
  product_id?: string
  cart_id?: string | null
  /** Product fields to load (default: priced-products' DEFAULT_PRODUCT_FIELDS). */
  fields?: string[]
}

export type RecommendationItem = {
  product_id: string
  reason: RecommendationReason
  /** Similarity score for bought/viewed-together items; null for best sellers. */
  score: number | null
  product: PricedProduct
}

export type RecommendationResult = {
  strategy: RecommendationStrategy
  /** True when the subject's own data (purchases, views, segments, cart) shaped the list. */
  personalized: boolean
  items: RecommendationItem[]
}

const VIEWED_WEIGHT = 0.5
const MAX_CANDIDATES = 1000

/**
 * The one entry for store recommendations (the recommendations route and `recommendations` placement
 * variants). Throws a 404 naming `product_id` / `cart_id` for an unknown product or a cart that is not the
 * caller's; any other failure of the personal part is logged and the best sellers are served instead.
 */
export async function recommendFor(
  scope: Resolver,
  subject: StoreSubject,
  opts: RecommendOptions
): Promise<RecommendationResult> {
  const limit = Math.max(0, Math.min(50, Math.floor(opts.limit)))
  const logger = scope.resolve<{ warn(m: string): void }>(ContainerRegistrationKeys.LOGGER)
  const available = (ids: string[]) => availableProducts(scope, opts.store, ids)

  if (opts.strategy === "similar") {
    if (!opts.product_id) throw notFoundField("product_id", "required for similar items")
    if (!(await available([opts.product_id])).size) {
      throw notFoundField("product_id", `product '${opts.product_id}' was not found`)
    }
  }
  // A cart that is not the caller's is a 404, not a silent fallback.
  const cart = opts.strategy === "cart" ? await cartProducts(scope, subject, opts.cart_id) : []

  let primary: Scored[] = []
  let segments: string[] = []
  let exclude: string[] = []
  let personalized = false
  try {
    const personal = await personalData(scope, subject, opts.strategy === "for_you")
    segments = personal.segments
    if (opts.strategy === "similar") {
      exclude = [opts.product_id!]
      primary = scoreFromSeeds([{ product_id: opts.product_id!, weight: 1 }], await edgesOf(scope, exclude))
    } else if (opts.strategy === "cart") {
      exclude = cart
      primary = scoreFromSeeds(cart.map((product_id) => ({ product_id, weight: 1 })), await edgesOf(scope, cart))
      personalized = cart.length > 0
    } else if (opts.strategy === "for_you") {
      exclude = personal.bought
      const seeds = [...new Set([...personal.bought, ...personal.viewed])]
      primary = forYou({ bought: personal.bought, viewed: personal.viewed }, await edgesOf(scope, seeds), {
        viewedWeight: VIEWED_WEIGHT,
      })
      personalized = seeds.length > 0
    }
  } catch (e) {
    if ((e as { type?: string }).type === "not_found") throw e
    logger.warn(`personalization: recommendations fell back to best sellers: ${(e as Error).message}`)
  }

  let segmentTop: string[] = []
  if (segments.length) {
    try {
      segmentTop = await segmentBestsellers(scope, segments)
      personalized = personalized || segmentTop.length > 0
    } catch (e) {
      logger.warn(`personalization: segment best sellers unavailable: ${(e as Error).message}`)
    }
  }
  const storeTop = await storeBestsellers(scope)

  const candidates = fill(
    [
      primary,
      segmentTop.map((product_id) => ({ product_id, score: null, reason: "segment_bestseller" as const })),
      storeTop.map((product_id) => ({ product_id, score: null, reason: "popular" as const })),
    ],
    MAX_CANDIDATES,
    { exclude }
  )
  const ok = await available(candidates.map((c) => c.product_id))
  const chosen = candidates.filter((c) => ok.has(c.product_id)).slice(0, limit)
  const products = chosen.length
    ? await loadPricedProducts(scope, opts.store, { product_ids: chosen.map((c) => c.product_id) }, { limit, fields: opts.fields })
    : []
  const byId = new Map(products.map((p) => [p.id, p]))
  const items: RecommendationItem[] = []
  for (const c of chosen) {
    const product = byId.get(c.product_id)
    if (product) items.push({ product_id: c.product_id, reason: c.reason, score: c.score ?? null, product })
  }
  return { strategy: opts.strategy, personalized, items }
}

/**
 * The subject's purchases and views (only for "for you", and only with consent when the store requires it)
 * and current segments (which only exist with consent).
 */
async function personalData(scope: Resolver, subject: StoreSubject, history: boolean) {
  const empty = { bought: [] as string[], viewed: [] as string[], segments: [] as string[] }
  if (subject.kind === "none") return empty
  const ref = subject.kind === "customer" ? { customer_id: subject.customer_id } : { visitor_id: subject.visitor_id }
  const found = await findProfile(scope, ref)
  const profile: ProfileRow | null = found && !found.merged_into_id ? found : null
  const required = scope.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE).getOptions().consent.required
  const allowed = !required || consentGranted(profile, RECOMMENDATION_PURPOSE)
  const [bought, viewed, segments] = await Promise.all([
    history && allowed && subject.kind === "customer" ? boughtProducts(scope, subject.customer_id) : Promise.resolve([]),
    history && allowed && profile ? viewedProducts(scope, profile.id) : Promise.resolve([]),
    profile ? currentSegments(scope, profile.id) : Promise.resolve([]),
  ])
  return { bought, viewed, segments }
}

/** Stored neighbours of the seed products. */
export async function edgesOf(scope: Resolver, productIds: string[]): Promise<Edge[]> {
  if (!productIds.length) return []
  return sql<Edge>(
    scope,
    `SELECT product_id, neighbor_id, score, reason FROM personalization_product_similarity
      WHERE product_id = ANY($1::text[]) AND deleted_at IS NULL`,
    [productIds]
  )
}

/** Of `ids`, the products the caller may see: published, not deleted, in one of the key's sales channels. */
export async function availableProducts(scope: Resolver, store: StoreContext, ids: string[]): Promise<Set<string>> {
  const unique = [...new Set(ids)]
  if (!unique.length) return new Set()
  const inChannel = await inSalesChannels(scope, unique, store.sales_channel_ids)
  if (!inChannel.length) return new Set()
  const query = scope.resolve<{ graph(c: Record<string, unknown>): Promise<{ data: { id: string }[] }> }>(
    ContainerRegistrationKeys.QUERY
  )
  const { data } = await query.graph({ entity: "product", fields: ["id"], filters: { id: inChannel, status: "published" } })
  return new Set(data.map((p) => p.id))
}
