// What a merchant does over the admin API in the visitor, merchant and time journeys: segments, offers (an automatic
// promotion, a sale price list) gated to a segment, placements, and the reads that check the managed group.
// Every helper asserts the answer's status AND that what was stored equals what was sent.
import { ok } from "./context.mjs"

/** POST /admin/personalization/segments; asserts the stored segment equals the request and has a managed group. */
export async function createSegment(ctx, { handle, name, rule_text, is_public = false, status = "active", description }) {
  const body = { handle, name, rule_text, is_public, status, ...(description ? { description } : {}) }
  const { segment } = ok(await ctx.admin("POST", "/admin/personalization/segments", body), `create segment ${handle}`, 201)
  ctx.expectEqual(
    { handle: segment.handle, name: segment.name, status: segment.status, is_public: segment.is_public },
    { handle, name, status, is_public },
    `segment ${handle} as stored`
  )
  ctx.expect(segment.rule_text, `segment ${handle} has a canonical rule_text`)
  if (status === "active") ctx.expect(segment.customer_group_id, `active segment ${handle} owns a managed customer group`)
  return segment
}

/** An automatic, active percentage promotion on the order (automatic promotions need a code). */
export async function createAutomaticPromotion(ctx, { code, percent }) {
  const body = {
    code,
    type: "standard",
    status: "active",
    is_automatic: true,
    application_method: { type: "percentage", target_type: "order", value: percent, allocation: "across", currency_code: ctx.demo.currency },
  }
  const { promotion } = ok(await ctx.admin("POST", "/admin/promotions", body), `create promotion ${code}`)
  ctx.expectEqual({ code: promotion.code, status: promotion.status, is_automatic: promotion.is_automatic }, { code, status: "active", is_automatic: true }, `promotion ${code} as stored`)
  return promotion
}

/** An active sale price list with one price per given variant ({ variant_id, amount }). */
export async function createSalePriceList(ctx, { title, prices }) {
  const body = {
    title,
    description: `${title} (journey)`,
    type: "sale",
    status: "active",
    prices: prices.map((p) => ({ variant_id: p.variant_id, amount: p.amount, currency_code: ctx.demo.currency })),
  }
  const { price_list } = ok(await ctx.admin("POST", "/admin/price-lists", body), `create price list ${title}`)
  ctx.expectEqual({ title: price_list.title, status: price_list.status, type: price_list.type }, { title, status: "active", type: "sale" }, `price list ${title} as stored`)
  return price_list
}

/**
 * POST /admin/personalization/segments/:id/gate; asserts the answer names the segment's group in a
 * `customer.groups.id in [...]` rule, then that the offer itself carries that rule (read back through Medusa).
 */
export async function gate(ctx, segment, offer) {
  const res = ok(await ctx.admin("POST", `/admin/personalization/segments/${segment.id}/gate`, offer), `gate ${JSON.stringify(offer)} to ${segment.handle}`)
  const g = res.gate
  ctx.expectEqual(g.customer_group_id, segment.customer_group_id, "gate: the segment's managed group")
  ctx.expectEqual([g.rule.attribute, g.rule.operator], ["customer.groups.id", "in"], "gate: rule attribute and operator")
  ctx.expect(g.rule.values.includes(segment.customer_group_id), `gate: rule values ${JSON.stringify(g.rule.values)} include the group`)
  if (offer.promotion_id) {
    const { rules } = ok(await ctx.admin("GET", `/admin/promotions/${offer.promotion_id}/rules`), "read the promotion's rules")
    const rule = rules.find((r) => r.attribute === "customer.groups.id")
    ctx.expect(rule && rule.operator === "in" && rule.values.map((v) => v.value).includes(segment.customer_group_id), `promotion rules name the group: ${JSON.stringify(rules)}`)
  } else {
    const { price_list } = ok(await ctx.admin("GET", `/admin/price-lists/${offer.price_list_id}`), "read the price list")
    const groups = price_list.rules?.["customer.groups.id"] ?? price_list.rules?.customer_group_id ?? []
    ctx.expect([].concat(groups).includes(segment.customer_group_id), `price list rules name the group: ${JSON.stringify(price_list.rules)}`)
  }
  return g
}

/** The customer groups a customer is in, as Medusa's admin API reports them. */
export async function customerGroupIds(ctx, customerId) {
  const { customer } = ok(await ctx.admin("GET", `/admin/customers/${customerId}?fields=id,*groups`), `read customer ${customerId}`)
  return (customer.groups ?? []).map((g) => g.id).sort()
}

/** GET /admin/personalization/customers/:id/segments → { current, history }. */
export async function customerSegments(ctx, customerId) {
  return ok(await ctx.admin("GET", `/admin/personalization/customers/${customerId}/segments?limit=100`), `segments of ${customerId}`)
}

/** The open stay of a customer in a segment (admin view), or undefined. */
export async function openStay(ctx, customerId, segmentId) {
  const { current } = await customerSegments(ctx, customerId)
  return current.find((m) => m.segment.id === segmentId)
}

/** The first `n` demo products with a priced first variant (amount from the region's calculated price). */
export function pricedProducts(ctx, n) {
  const list = ctx.demo.products.filter((p) => p.variants?.[0]?.calculated_price?.calculated_amount != null).slice(0, n)
  if (list.length < n) throw new Error(`the demo store has ${list.length} priced products, ${n} needed`)
  return list
}
