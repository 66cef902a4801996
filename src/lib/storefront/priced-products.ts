// Products for the storefront, loaded and priced the way Medusa's own GET /store/products does it:
// published only, only products in the publishable key's sales channels, and variants carrying
// `calculated_price` for the region's currency and the customer's groups (so a price list gated to a
// segment's managed group shows its price to members only). Shared by sections and recommendations.
//
// Usage (a store route):
//   const ctx = await resolveStoreContext(req, { region_id: req.validatedQuery.region_id })   // 400 region_id
//   const products = await loadPricedProducts(req.scope, ctx, { product_ids: ["prod_1", "prod_2"] }, { limit: 8 })
import type { MedusaRequest } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, QueryContext } from "@medusajs/framework/utils"
import { invalid } from "../errors"
import { customerIdOf } from "../privacy/subject"

type Resolver = { resolve<T = unknown>(key: string): T }
type Query = {
  graph(config: Record<string, unknown>, options?: Record<string, unknown>): Promise<{ data: any[]; metadata?: any }>
}

/** Everything that decides which products a store caller may see and at what price. Resolve once per request. */
export type StoreContext = {
  region: { id: string; currency_code: string }
  /** From the publishable key (`req.publishable_key_context`); products outside them are never returned. */
  sales_channel_ids: string[]
  /** The logged-in customer, or null for a guest/visitor. */
  customer_id: string | null
  /** The customer's groups (incl. segments' managed groups): the pricing context for customer-group price lists. */
  customer_group_ids: string[]
}

/** Which products: explicit ids (order kept), or a collection / category (newest first). */
export type ProductSelection = { product_ids: string[] } | { collection_id: string } | { category_id: string }

export type PricedVariant = {
  id: string
  title: string | null
  sku: string | null
  calculated_price: {
    calculated_amount: number | null
    original_amount: number | null
    currency_code: string | null
    /** Set when a price list won: the id, and its type ("sale" / "override"). */
    calculated_price?: { price_list_id: string | null; price_list_type: string | null } | null
    [k: string]: unknown
  } | null
  [k: string]: unknown
}

export type PricedProduct = {
  id: string
  title: string
  handle: string
  thumbnail: string | null
  variants: PricedVariant[]
  [k: string]: unknown
}

export const DEFAULT_PRODUCT_FIELDS = [
  "id",
  "title",
  "subtitle",
  "handle",
  "description",
  "thumbnail",
  "collection_id",
  "variants.id",
  "variants.title",
  "variants.sku",
  "variants.calculated_price.*",
]

/** Candidate rows read per round when a collection/category is filtered down to the sales channels. */
const CANDIDATE_PAGE = 200

function queryOf(scope: Resolver): Query {
  return scope.resolve<Query>(ContainerRegistrationKeys.QUERY)
}

/**
 * The request's store context. `region_id` absent → the store's default region (as Medusa does);
 * unknown → 400 naming `region_id`. A publishable key without a sales channel → 400 naming
 * `x-publishable-api-key` (Medusa's own store routes refuse it too). `customer_id` defaults to the
 * customer of the request's token.
 */
export async function resolveStoreContext(
  req: MedusaRequest,
  input: { region_id?: string | null; customer_id?: string | null } = {}
): Promise<StoreContext> {
  const keyContext = (req as unknown as { publishable_key_context?: { sales_channel_ids?: string[] } })
    .publishable_key_context
  const sales_channel_ids = keyContext?.sales_channel_ids ?? []
  if (!sales_channel_ids.length) {
    throw invalid("x-publishable-api-key", "the publishable key has no sales channel configured")
  }
  const customer_id = input.customer_id === undefined ? customerIdOf(req) : input.customer_id
  const [region, customer_group_ids] = await Promise.all([
    resolveRegion(req.scope, input.region_id ?? null),
    customer_id ? customerGroupIds(req.scope, customer_id) : Promise.resolve([] as string[]),
  ])
  return { region, sales_channel_ids, customer_id, customer_group_ids }
}

/** The region by id (400 `region_id` when unknown), or the store's default region when no id is given. */
export async function resolveRegion(scope: Resolver, regionId: string | null): Promise<StoreContext["region"]> {
  const query = queryOf(scope)
  let id = regionId
  if (!id) {
    const { data: stores } = await query.graph({ entity: "store", fields: ["id", "default_region_id"] })
    id = stores[0]?.default_region_id ?? null
    if (!id) throw invalid("region_id", "required (the store has no default region)")
  }
  const { data } = await query.graph({ entity: "region", fields: ["id", "currency_code"], filters: { id } })
  if (!data[0]) throw invalid("region_id", `region '${id}' does not exist`)
  return { id: data[0].id, currency_code: data[0].currency_code }
}

/** Ids of the customer groups a customer belongs to (managed segment groups included). */
export async function customerGroupIds(scope: Resolver, customerId: string): Promise<string[]> {
  const { data } = await queryOf(scope).graph({
    entity: "customer",
    fields: ["id", "groups.id"],
    filters: { id: customerId },
  })
  return ((data[0]?.groups ?? []) as { id: string }[]).map((g) => g.id)
}

/** The pricing context Medusa's store product routes pass to `variants.calculated_price`. */
export function pricingContextOf(ctx: StoreContext) {
  return {
    region_id: ctx.region.id,
    currency_code: ctx.region.currency_code,
    ...(ctx.customer_id ? { customer: { groups: ctx.customer_group_ids.map((id) => ({ id })) } } : {}),
  }
}

/** Of `productIds`, those linked to one of the sales channels (order kept). */
export async function inSalesChannels(scope: Resolver, productIds: string[], salesChannelIds: string[]): Promise<string[]> {
  if (!productIds.length || !salesChannelIds.length) return []
  const { data } = await queryOf(scope).graph({
    entity: "product_sales_channel",
    fields: ["product_id"],
    filters: { product_id: productIds, sales_channel_id: salesChannelIds },
  })
  const allowed = new Set(data.map((r: { product_id: string }) => r.product_id))
  return productIds.filter((id) => allowed.has(id))
}

/** Published product ids of a collection or (active, non-internal) category, in the sales channels, newest first. */
async function selectionIds(
  scope: Resolver,
  selection: { collection_id: string } | { category_id: string },
  salesChannelIds: string[],
  limit: number
): Promise<string[]> {
  const query = queryOf(scope)
  const filters: Record<string, unknown> = { status: "published" }
  if ("collection_id" in selection) filters.collection_id = selection.collection_id
  else filters.categories = { id: selection.category_id, is_active: true, is_internal: false }
  const picked: string[] = []
  for (let skip = 0; picked.length < limit; skip += CANDIDATE_PAGE) {
    const { data } = await query.graph({
      entity: "product",
      fields: ["id"],
      filters,
      pagination: { skip, take: CANDIDATE_PAGE, order: { created_at: "DESC", id: "ASC" } },
    })
    const ids = data.map((p: { id: string }) => p.id)
    picked.push(...(await inSalesChannels(scope, ids, salesChannelIds)))
    if (ids.length < CANDIDATE_PAGE) break
  }
  return picked.slice(0, limit)
}

/**
 * Loads products for the storefront, priced for `ctx` (region currency + customer groups), as Medusa's
 * GET /store/products would return them: unpublished products and products outside the key's sales
 * channels are left out; explicit ids keep the requested order (duplicates and unknown ids dropped).
 * At most `limit` products (default 20). `fields` replaces DEFAULT_PRODUCT_FIELDS; keep
 * `variants.calculated_price.*` in it to get prices. Errors from the database propagate: callers on a
 * storefront path should catch, log and degrade.
 */
export async function loadPricedProducts(
  scope: Resolver,
  ctx: StoreContext,
  selection: ProductSelection,
  options: { limit?: number; fields?: string[] } = {}
): Promise<PricedProduct[]> {
  const limit = Math.max(0, options.limit ?? 20)
  if (limit === 0) return []

  let ids: string[]
  if ("product_ids" in selection) {
    const unique = [...new Set(selection.product_ids.filter((id) => typeof id === "string" && id))]
    if (!unique.length) return []
    ids = await inSalesChannels(scope, unique, ctx.sales_channel_ids)
  } else {
    ids = await selectionIds(scope, selection, ctx.sales_channel_ids, limit)
  }
  if (!ids.length) return []

  const { data } = await queryOf(scope).graph({
    entity: "product",
    fields: options.fields ?? DEFAULT_PRODUCT_FIELDS,
    filters: { id: ids, status: "published" },
    context: { variants: { calculated_price: QueryContext(pricingContextOf(ctx)) } },
  })
  const byId = new Map(data.map((p: PricedProduct) => [p.id, p]))
  const ordered: PricedProduct[] = []
  for (const id of ids) {
    const p = byId.get(id)
    if (p) ordered.push(p)
    if (ordered.length === limit) break
  }
  return ordered
}
