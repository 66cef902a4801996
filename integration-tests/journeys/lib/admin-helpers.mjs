// Merchant helpers the visitor, merchant and time journeys need beyond lib/merchant.mjs (segments, promotions,
// promotion gating, members, group checks live there): a sale price list gated to a segment, a customer's stays, and
// demo products with a price. Each asserts what was stored equals what was sent.
import { ok } from "./context.mjs"
import { gatePromotion, promotionGroupIds } from "./merchant.mjs"

/**
 * A sale price list with one price per given variant ({ variant_id, amount }) in the demo currency, made as a DRAFT:
 * a price list without rules prices everyone, so it is activated only after it is gated (`activatePriceList`).
 */
export async function createSalePriceList(ctx, { title, prices }) {
  const body = {
    title,
    description: `${title} (journey)`,
    type: "sale",
    status: "draft",
    prices: prices.map((p) => ({ variant_id: p.variant_id, amount: p.amount, currency_code: ctx.demo.currency })),
  }
  const { price_list } = ok(await ctx.admin("POST", "/admin/price-lists", body), `create price list ${title}`)
  ctx.expectEqual([price_list.title, price_list.status, price_list.type], [title, "draft", "sale"], `price list ${title} as stored`)
  // read back (the create answer leaves prices out; a price names its variant's price set, not the variant)
  const { price_list: read } = ok(await ctx.admin("GET", `/admin/price-lists/${price_list.id}?fields=id,*prices`), `GET price list ${price_list.id}`)
  const stored = read.prices.map((p) => `${Number(p.amount)} ${p.currency_code}`).sort()
  ctx.expectEqual(stored, prices.map((p) => `${p.amount} ${ctx.demo.currency}`).sort(), `price list ${title} prices as stored`)
  return price_list
}

/**
 * An automatic order promotion gated to a segment, made safely: created as a DRAFT (an active automatic promotion
 * without the gate would discount every cart in the store, other journeys' too, if the journey stopped before gating),
 * gated, then activated. Asserts the stored promotion and that the active one carries the segment's group rule.
 */
export async function createGatedPromotion(ctx, segment, { code, type = "percentage", value = 10 }) {
  const body = {
    code,
    type: "standard",
    status: "draft",
    is_automatic: true,
    application_method: { type, target_type: "order", value, allocation: "across", currency_code: ctx.demo.currency },
  }
  const { promotion } = ok(await ctx.admin("POST", "/admin/promotions", body), `create promotion ${code}`)
  ctx.expectEqual([promotion.code, promotion.status, promotion.is_automatic], [code, "draft", true], `promotion ${code} as stored`)
  await gatePromotion(ctx, segment, promotion)
  const { promotion: active } = ok(await ctx.admin("POST", `/admin/promotions/${promotion.id}`, { status: "active" }), `activate promotion ${code}`)
  ctx.expectEqual(active.status, "active", `promotion ${code} status`)
  ctx.expect((await promotionGroupIds(ctx, promotion.id)).includes(segment.customer_group_id), `active promotion ${code} keeps the segment's group rule`)
  return active
}

/** Activates a (gated) price list; asserts it is active and still carries its rules. */
export async function activatePriceList(ctx, priceList) {
  const { price_list } = ok(await ctx.admin("POST", `/admin/price-lists/${priceList.id}`, { status: "active" }), `activate price list ${priceList.title}`)
  ctx.expectEqual(price_list.status, "active", `price list ${priceList.title} status`)
  ctx.expect(Object.keys(price_list.rules ?? {}).length > 0, `an active price list without rules would price everyone: ${JSON.stringify(price_list.rules)}`)
  return price_list
}

/** Gates a price list to a segment; asserts the answer and the price list's own rules name the segment's group. */
export async function gatePriceList(ctx, segment, priceList) {
  const { gate } = ok(await ctx.admin("POST", `/admin/personalization/segments/${segment.id}/gate`, { price_list_id: priceList.id }), `gate price list ${priceList.title}`)
  ctx.expectEqual([gate.price_list_id, gate.customer_group_id, gate.rule.attribute, gate.rule.operator], [priceList.id, segment.customer_group_id, "customer.groups.id", "in"], "gate answer")
  const { price_list } = ok(await ctx.admin("GET", `/admin/price-lists/${priceList.id}`), `GET price list ${priceList.id}`)
  const groups = [].concat(price_list.rules?.["customer.groups.id"] ?? [])
  ctx.expect(groups.includes(segment.customer_group_id), `price list rules lack group ${segment.customer_group_id}: ${JSON.stringify(price_list.rules)}`)
  return gate
}

/** GET /admin/personalization/customers/:id/segments → { current, history } (stays with segment, reasons, times). */
export async function customerSegments(ctx, customerId) {
  return ok(await ctx.admin("GET", `/admin/personalization/customers/${customerId}/segments?limit=100`), `segments of ${customerId}`)
}

/** The first `n` demo products whose first variant has a price in the demo region. */
export function pricedProducts(ctx, n) {
  const list = ctx.demo.products.filter((p) => p.variants?.[0]?.calculated_price?.calculated_amount != null).slice(0, n)
  if (list.length < n) throw new Error(`the demo store has ${list.length} priced products, ${n} needed`)
  return list
}
