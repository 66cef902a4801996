// Journey e — time alone: a segment with a 2-minute recency window (`event(...).exists(last 2m)`). A customer's view
// puts them in it (managed group, the gated automatic promotion on their already-open cart); with no new event the
// stay ends at the view + 2 min, applied by the minute job: the member leaves within 60 s of that due time, the group
// link goes and the open cart loses the discount without a cart write; the cart then checks out at full price.
// Runs beside the other journeys (run.mjs starts it first): most of its wall time is waiting for the clock.
import { createSegment, inGroup } from "./lib/merchant.mjs"
import { checkout, getCart, openCart, prepareCheckout, promoCodes, recordConsent, registerShopper, trackEvents } from "./lib/shopper.mjs"
import { createGatedPromotion, customerSegments } from "./lib/admin-helpers.mjs"

const WINDOW_MS = 2 * 60_000
const JOB_PERIOD_MS = 60_000 // personalization-exit-due-memberships runs every minute, at second 0
const DUE_SECOND_MS = 30_000 // where in its minute the due time is put

/**
 * When the view happened: now, or up to a minute earlier (a storefront flushes its queue late; the route keeps a
 * past occurred_at), so that the due time (view + 2 min) falls at second 30 of a minute. The minute job's runs are
 * then 30 s away from it on either side, and "leaves within 60 s" never depends on how late a run starts.
 */
function viewedAt(now = Date.now()) {
  const due = now + WINDOW_MS
  const minute = Math.floor(due / JOB_PERIOD_MS) * JOB_PERIOD_MS
  const aligned = minute + DUE_SECOND_MS <= due ? minute + DUE_SECOND_MS : minute - JOB_PERIOD_MS + DUE_SECOND_MS
  return new Date(aligned - WINDOW_MS)
}

export default {
  name: "time",
  async run(ctx) {
    const { step, expect, expectEqual, sql } = ctx
    const tag = ctx.unique("flash").replace(/-/g, "_")
    const stayOf = async (customerId) => (await customerSegments(ctx, customerId)).current.find((m) => m.segment.id === segment.id)
    const publicSegments = async () => (ctx.ok(await ctx.store("GET", "/store/personalization/me", { token: shopper.token }), "GET /me")).segments.map((s) => s.handle)
    let segment, promotion, shopper, cartId, due, enteredAt

    await step("merchant: a public segment with a 2-minute recency window and an automatic promotion gated to it", async () => {
      segment = await createSegment(ctx, {
        handle: ctx.unique("flash-viewers"),
        name: `Flash sale viewers ${tag}`,
        rule_text: `event('product_viewed', utm_campaign = '${tag}').exists(last 2m)`,
        is_public: true,
      })
      expectEqual(segment.rule_text, `event('product_viewed', utm_campaign = '${tag}').exists(last 2m)`, "stored rule")
      promotion = await createGatedPromotion(ctx, segment, { code: ctx.unique("FLASH").toUpperCase(), type: "percentage", value: 20 })
    })

    await step("a consenting customer with an open cart, before any view: no segment, no group, no discount", async () => {
      shopper = await registerShopper(ctx, { label: "time", first_name: "Tim", last_name: "Clock" })
      await recordConsent(ctx, shopper)
      cartId = await openCart(ctx, shopper)
      const cart = await getCart(ctx, shopper, cartId)
      expectEqual([promoCodes(cart), Number(cart.discount_total)], [[], 0], "the cart before the view")
      expect(!(await inGroup(ctx, shopper.customerId, segment.customer_group_id)), "not in the managed group (SQL)")
      expectEqual(await stayOf(shopper.customerId), undefined, "no open stay")
    })

    await step("the view enters the segment: group link, /me, and the open cart shows the discount on a plain GET", async () => {
      const tracked = await trackEvents(ctx, shopper, [
        { type: "product_viewed", occurred_at: viewedAt().toISOString(), properties: { product_id: ctx.demo.products[0].id, utm_campaign: tag } },
      ])
      expectEqual(tracked.accepted, 1, "accepted")
      const stay = await ctx.waitFor(() => stayOf(shopper.customerId), "the customer in the segment")
      enteredAt = new Date(stay.entered_at)
      const [event] = await sql(
        `SELECT e.occurred_at FROM personalization_behavior_event e JOIN personalization_customer_profile p ON p.id = e.profile_id
          WHERE p.customer_id = $1 AND e.deleted_at IS NULL AND e.properties ->> 'utm_campaign' = $2`,
        [shopper.customerId, tag]
      )
      due = new Date(new Date(event.occurred_at).getTime() + WINDOW_MS)
      const [profile] = await sql(`SELECT next_change_at FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL`, [shopper.customerId])
      expectEqual(new Date(profile.next_change_at).toISOString(), due.toISOString(), "the profile's next change = the view + 2 min (SQL)")
      await ctx.waitFor(() => inGroup(ctx, shopper.customerId, segment.customer_group_id), "the managed group link (SQL)")
      expectEqual(await publicSegments(), [segment.handle], "/me")
      const cart = await ctx.waitFor(async () => {
        const c = await getCart(ctx, shopper, cartId)
        return promoCodes(c).includes(promotion.code) ? c : null
      }, "the promotion on the open cart")
      expectEqual(promoCodes(cart), [promotion.code], "the cart's promotions")
      expect(Number(cart.discount_total) > 0, `discount_total ${cart.discount_total}`)
      ctx.log(`   due at ${due.toISOString()} (entered ${enteredAt.toISOString()})`)
    })

    await step("just before the due time (after at least one run of the minute job) the customer is still a member with the discount", async () => {
      const checkAt = due.getTime() - 5_000
      const lastRun = Math.floor(checkAt / JOB_PERIOD_MS) * JOB_PERIOD_MS
      expect(lastRun > enteredAt.getTime() && due.getTime() - lastRun === DUE_SECOND_MS, "a minute-job run falls between entering and this check, 30 s before the due time")
      await ctx.sleep(Math.max(0, checkAt - Date.now()))
      expect(await stayOf(shopper.customerId), "still an open stay 5 s before the due time")
      expect(await inGroup(ctx, shopper.customerId, segment.customer_group_id), "still in the managed group (SQL)")
      expectEqual(promoCodes(await getCart(ctx, shopper, cartId)), [promotion.code], "the cart still has the promotion")
    })

    await step("the due time passes: the member leaves within 60 s (minute job), the group link goes, the open cart loses the discount without a write", async () => {
      const left = await ctx.waitFor(async () => ((await stayOf(shopper.customerId)) ? null : Date.now()), "the exit", {
        timeoutMs: due.getTime() + JOB_PERIOD_MS + 30_000 - Date.now(),
        everyMs: 500,
      })
      const { history } = await customerSegments(ctx, shopper.customerId)
      const closed = history.find((h) => h.segment.id === segment.id)
      const exitedAt = new Date(closed.exited_at)
      ctx.log(`   exited_at ${exitedAt.toISOString()} = due + ${((exitedAt - due) / 1000).toFixed(1)} s; seen over the API at due + ${((left - due) / 1000).toFixed(1)} s`)
      expect(exitedAt >= due, `not before the due time: exited_at ${exitedAt.toISOString()}, due ${due.toISOString()}`)
      expect(exitedAt - due <= JOB_PERIOD_MS, `within 60 s of the due time: exited_at ${exitedAt.toISOString()}, due ${due.toISOString()}`)
      expect(left - due <= JOB_PERIOD_MS, `visible within 60 s of the due time: seen at due + ${((left - due) / 1000).toFixed(1)} s`)
      expect(closed.exit_reason, `the closed stay has an exit reason: ${JSON.stringify(closed)}`)
      await ctx.waitFor(async () => !(await inGroup(ctx, shopper.customerId, segment.customer_group_id)), "the group link removed (SQL)", { timeoutMs: 30_000 })
      expectEqual(await publicSegments(), [], "/me after the exit")
      const cart = await ctx.waitFor(async () => {
        const c = await getCart(ctx, shopper, cartId)
        return promoCodes(c).length === 0 ? c : null
      }, "the open cart without the promotion", { timeoutMs: 30_000 })
      expectEqual(Number(cart.discount_total), 0, "the cart's discount after the exit")
    })

    await step("the open cart checks out at full price (nothing blocks it)", async () => {
      await prepareCheckout(ctx, shopper, cartId)
      const order = await checkout(ctx, shopper, cartId)
      expectEqual(Number(order.discount_total), 0, "the order's discount_total")
      const [{ n }] = await sql(`SELECT count(*)::int AS n FROM "order" WHERE customer_id = $1 AND deleted_at IS NULL`, [shopper.customerId])
      expectEqual(n, 1, "the customer's orders (SQL)")
    })
  },
}
