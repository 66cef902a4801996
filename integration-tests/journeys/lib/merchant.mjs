// The merchant's side over the admin API (token from the seeded admin): segments, promotions, gating.
// Each helper asserts what the store answered equals what was sent, and returns the created record.
import { ok } from "./context.mjs"

/** Creates a segment (active by default) and returns it (with its managed group id). */
export async function createSegment(ctx, { handle = ctx.unique("seg"), name, rule_text, status = "active", is_public = false, purpose = "personalization" }) {
  const body = { handle, name: name ?? `Journey ${handle}`, rule_text, status, is_public, purpose }
  const { segment } = ok(await ctx.admin("POST", "/admin/personalization/segments", body), `create segment ${handle}`, [200, 201])
  ctx.expectEqual([segment.handle, segment.status], [handle, status], "created segment handle/status")
  if (status === "active") ctx.expect(segment.customer_group_id, `active segment ${handle} has no managed group: ${JSON.stringify(segment)}`)
  return segment
}

/**
 * An automatic order-level promotion (active, with the code Medusa needs on automatic ones): `value` off the order,
 * fixed (EUR) by default.
 */
export async function createPromotion(ctx, { code = ctx.unique("PROMO").toUpperCase(), type = "fixed", value = 5, is_automatic = true } = {}) {
  const body = {
    code,
    type: "standard",
    status: "active",
    is_automatic,
    application_method: { type, target_type: "order", value, allocation: "across", currency_code: ctx.demo.currency },
  }
  const { promotion } = ok(await ctx.admin("POST", "/admin/promotions", body), `create promotion ${code}`)
  ctx.expectEqual([promotion.code, promotion.status, promotion.is_automatic], [code, "active", is_automatic], "created promotion")
  return promotion
}

/** Gates a promotion to a segment; asserts the promotion's rule now holds the segment's group. */
export async function gatePromotion(ctx, segment, promotion) {
  const { gate } = ok(await ctx.admin("POST", `/admin/personalization/segments/${segment.id}/gate`, { promotion_id: promotion.id }), `gate ${promotion.code}`)
  const groups = await promotionGroupIds(ctx, promotion.id)
  ctx.expect(groups.includes(segment.customer_group_id), `promotion ${promotion.code} rule lacks group ${segment.customer_group_id}: ${JSON.stringify(groups)}`)
  return gate
}

/** The group ids in a promotion's `customer.groups.id` rule (read back over the admin API). */
export async function promotionGroupIds(ctx, promotionId) {
  const { promotion } = ok(await ctx.admin("GET", `/admin/promotions/${promotionId}?fields=id,*rules,*rules.values`), `GET promotion ${promotionId}`)
  const rule = (promotion.rules ?? []).find((r) => r.attribute === "customer.groups.id")
  return (rule?.values ?? []).map((v) => v.value).sort()
}

/** The segment's open members' customer ids (admin API, all pages). */
export async function memberIds(ctx, segmentId) {
  const ids = []
  for (let offset = 0; ; offset += 100) {
    const body = ok(await ctx.admin("GET", `/admin/personalization/segments/${segmentId}/members?limit=100&offset=${offset}`), "GET members")
    const rows = body.members ?? []
    ids.push(...rows.map((m) => m.customer_id ?? m.customer?.id).filter(Boolean))
    if (rows.length < 100) break
  }
  return ids.sort()
}

/** Is the customer in the customer group (read with SQL, independent of the plugin)? */
export async function inGroup(ctx, customerId, groupId) {
  const rows = await ctx.sql(
    `SELECT 1 FROM customer_group_customer WHERE customer_id = $1 AND customer_group_id = $2 AND deleted_at IS NULL`,
    [customerId, groupId]
  )
  return rows.length > 0
}
