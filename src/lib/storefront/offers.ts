// GET /store/personalization/offers: what the subject's public segments unlock — active promotions and price
// lists gated (rule `customer.groups.id in [...]`) to the managed group of a public segment they are in.
// Only a logged-in customer can hold an offer: Medusa's promotion and pricing engines gate on the customer's
// groups, which a visitor does not have, so a visitor (or anonymous caller) gets empty lists.
import type { MedusaRequest } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { IPricingModuleService, IPromotionModuleService } from "@medusajs/framework/types"
import { findGatedOffers } from "../gated-offers"
import { assignAndExpose } from "../experiments/expose"
import { subjectOf } from "../privacy/subject"
import { orFallback } from "./degrade"
import { customerGroupIds, inSalesChannels } from "./priced-products"
import { subjectSegments, type SubjectSegment } from "./subject-segments"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"

type SegmentView = { handle: string; name: string }

export type OfferPromotion = {
  id: string
  code: string | null
  is_automatic: boolean
  /** "percentage" or "fixed". */
  type: string | null
  /** Percent for a percentage promotion, an amount in `currency_code` for a fixed one. */
  value: number | null
  currency_code: string | null
  target_type: string | null
  starts_at: string | null
  ends_at: string | null
  /** The public segment(s) that unlock it. */
  segments: SegmentView[]
}

export type OfferPriceList = {
  id: string
  title: string | null
  description: string | null
  type: string | null
  starts_at: string | null
  ends_at: string | null
  /** Published products in the request's sales channels with a price in this list. */
  product_count: number
  segments: SegmentView[]
}

export type OffersResponse = { promotions: OfferPromotion[]; price_lists: OfferPriceList[] }

const iso = (d: unknown): string | null => (d ? new Date(d as string).toISOString() : null)
const live = (starts: unknown, ends: unknown, now: number) =>
  (!starts || new Date(starts as string).getTime() <= now) && (!ends || new Date(ends as string).getTime() >= now)

function numberOf(v: unknown): number | null {
  if (v === null || v === undefined) return null
  if (typeof v === "number") return v
  if (typeof v === "string") return Number(v)
  const n = (v as { numeric?: number; value?: string | number }).numeric ?? (v as { value?: string | number }).value
  return n === undefined ? null : Number(n)
}

/**
 * The subject's offers. Never 5xx for personalization reasons: a failing read is logged and answered with
 * empty lists. A 400 only for a malformed `x-visitor-id`.
 */
export async function resolveOffers(req: MedusaRequest, now = new Date()): Promise<OffersResponse> {
  const empty: OffersResponse = { promotions: [], price_lists: [] }
  const subject = subjectOf(req)
  if (subject.kind !== "customer") return empty
  return orFallback(req.scope, "listing offers", () => offersFor(req, subject.customer_id, now), empty)
}

async function offersFor(req: MedusaRequest, customerId: string, now: Date): Promise<OffersResponse> {
  const segments = (await subjectSegments(req, { kind: "customer", customer_id: customerId, visitor_id: null })).filter(
    (s) => s.is_public
  )
  if (!segments.length) return { promotions: [], price_lists: [] }
  const service = req.scope.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)
  const rows = await service.listSegments({ id: segments.map((s) => s.id) }, { select: ["id", "customer_group_id"], take: null })
  const groupOf = new Map(rows.map((r) => [r.id, r.customer_group_id as string | null]))
  // Only groups the customer really is in: an offer the engines would not apply is not listed.
  const groups = new Set(await customerGroupIds(req.scope, customerId))
  const byGroup = new Map<string, SubjectSegment>()
  for (const s of segments) {
    const group = groupOf.get(s.id)
    if (group && groups.has(group)) byGroup.set(group, s)
  }
  if (!byGroup.size) return { promotions: [], price_lists: [] }

  const gated = await findGatedOffers(req.scope, [...byGroup.keys()])
  const view = (groupIds: string[]) =>
    [...new Set(groupIds)].map((g) => byGroup.get(g)!).filter(Boolean).map((s) => ({ handle: s.handle, name: s.name }))
  const t = now.getTime()

  const [promotions, priceLists] = await Promise.all([
    promotionsOf(req, gated.promotions, view, t),
    priceListsOf(req, gated.price_lists, view, t),
  ])
  // Experiments (#8): a promotion whose holdout puts this customer in control is not listed; exposures logged.
  const { heldOut } = await assignAndExpose(req.scope, { customer_id: customerId }, "promotion", promotions.map((p) => p.id), now)
  return { promotions: promotions.filter((p) => !heldOut.has(p.id)), price_lists: priceLists }
}

async function promotionsOf(
  req: MedusaRequest,
  gated: { id: string; group_ids: string[] }[],
  view: (g: string[]) => SegmentView[],
  now: number
): Promise<OfferPromotion[]> {
  if (!gated.length) return []
  const service = req.scope.resolve<IPromotionModuleService>(Modules.PROMOTION)
  const rows = await service.listPromotions(
    { id: gated.map((p) => p.id) },
    { relations: ["application_method", "campaign"], take: null }
  )
  const groupsOf = new Map(gated.map((p) => [p.id, p.group_ids]))
  return rows
    .filter((p) => p.status === "active" && live(p.campaign?.starts_at, p.campaign?.ends_at, now))
    .map((p) => ({
      id: p.id,
      code: p.code ?? null,
      is_automatic: !!p.is_automatic,
      type: p.application_method?.type ?? null,
      value: numberOf(p.application_method?.value),
      currency_code: p.application_method?.currency_code ?? null,
      target_type: p.application_method?.target_type ?? null,
      starts_at: iso(p.campaign?.starts_at),
      ends_at: iso(p.campaign?.ends_at),
      segments: view(groupsOf.get(p.id) ?? []),
    }))
    .sort((a, b) => (a.code ?? a.id).localeCompare(b.code ?? b.id))
}

async function priceListsOf(
  req: MedusaRequest,
  gated: { id: string; group_ids: string[] }[],
  view: (g: string[]) => SegmentView[],
  now: number
): Promise<OfferPriceList[]> {
  if (!gated.length) return []
  const pricing = req.scope.resolve<IPricingModuleService>(Modules.PRICING)
  const lists = (await pricing.listPriceLists({ id: gated.map((l) => l.id) }, { take: null })).filter(
    (l) => l.status === "active" && live(l.starts_at, l.ends_at, now)
  )
  if (!lists.length) return []
  const counts = await productCounts(req, lists.map((l) => l.id))
  const groupsOf = new Map(gated.map((l) => [l.id, l.group_ids]))
  return lists
    .map((l) => ({
      id: l.id,
      title: l.title ?? null,
      description: l.description ?? null,
      type: l.type ?? null,
      starts_at: iso(l.starts_at),
      ends_at: iso(l.ends_at),
      product_count: counts.get(l.id) ?? 0,
      segments: view(groupsOf.get(l.id) ?? []),
    }))
    .sort((a, b) => (a.title ?? a.id).localeCompare(b.title ?? b.id))
}

/** Per price list: how many distinct published products in the key's sales channels it prices. */
async function productCounts(req: MedusaRequest, priceListIds: string[]): Promise<Map<string, number>> {
  const pricing = req.scope.resolve<IPricingModuleService>(Modules.PRICING)
  const query = req.scope.resolve(ContainerRegistrationKeys.QUERY)
  const prices = (await pricing.listPrices(
    { price_list_id: priceListIds },
    { select: ["price_set_id", "price_list_id"], take: null }
  )) as unknown as { price_set_id: string; price_list_id: string | null }[]
  const setIds = [...new Set(prices.map((p) => p.price_set_id).filter(Boolean))] as string[]
  if (!setIds.length) return new Map()
  const { data: sets } = await query.graph({ entity: "price_set", fields: ["id", "variant.product_id"], filters: { id: setIds } })
  const productOfSet = new Map<string, string>()
  for (const s of sets as { id: string; variant?: { product_id?: string } | null }[]) {
    if (s.variant?.product_id) productOfSet.set(s.id, s.variant.product_id)
  }
  const candidates = [...new Set(productOfSet.values())]
  const { data: published } = candidates.length
    ? await query.graph({ entity: "product", fields: ["id"], filters: { id: candidates, status: "published" } })
    : { data: [] }
  const channels =
    (req as unknown as { publishable_key_context?: { sales_channel_ids?: string[] } }).publishable_key_context
      ?.sales_channel_ids ?? []
  const visible = new Set(await inSalesChannels(req.scope, published.map((p: { id: string }) => p.id), channels))
  const perList = new Map<string, Set<string>>()
  for (const p of prices) {
    const product = productOfSet.get(p.price_set_id as string)
    if (!product || !visible.has(product) || !p.price_list_id) continue
    const set = perList.get(p.price_list_id) ?? new Set<string>()
    set.add(product)
    perList.set(p.price_list_id, set)
  }
  return new Map([...perList].map(([id, s]) => [id, s.size]))
}
