// Journey a — Shopper: the flagship promise, walked as a customer does. Register → consent (events before it are
// dropped, after it stored) → browse → open a cart → two orders → enters the segment "orders_count >= 2" → the cart
// opened before shows the segment's discount without a cart write → checks out WITH the discount → the merchant
// tightens the rule → the shopper leaves and an open cart loses the discount without a write → a stale cart is
// refused at checkout with the documented message → a cart refresh → completes at full price.
//
// The stale cart: a cart priced with a segment discount the customer no longer qualifies for. The plugin re-prices
// open carts on every exit, so the journey makes it the other way a store makes it: the merchant moves an offer to
// another segment in Medusa's promotion editor — Medusa re-prices nothing on a promotion edit, the open cart keeps
// the discount, and the checkout guard (completeCartWorkflow.hooks.validate) is what stops it reaching the order.
//
// Segments are narrowed to this run's email domain, so the journey is independent of the seeded customers and of
// the other journeys running on the same store.
import { ok } from "./lib/context.mjs"
import { createSegment, inGroup, memberIds, promotionGroupIds } from "./lib/merchant.mjs"
import { createGatedPromotion } from "./lib/admin-helpers.mjs"
import {
  asShopper,
  checkout,
  completeCart,
  getCart,
  openCart,
  placeOrder,
  prepareCheckout,
  promoCodes,
  recordConsent,
  registerShopper,
  startPayment,
  trackEvents,
} from "./lib/shopper.mjs"

const P_OFF = 5 // the segment's discount, € off the order
const Q_OFF = 4 // the offer the merchant later moves to another segment

const discountOf = (cart) => Number(cart.original_total) - Number(cart.total)
const staleMessage = (code) => `Cart changed, please review: ${code} no longer applies to this customer. Refresh the cart to see the new total.`

export default {
  name: "shopper",
  async run(ctx) {
    const run = ctx.unique("shop")
    const domain = `${run}.journeys.test`
    let loyal, everyone, promoP, promoQ, shopper, firstCart, secondCart

    const storedEvents = async () =>
      (
        await ctx.sql(
          `SELECT count(*)::int AS n FROM personalization_behavior_event e
             JOIN personalization_customer_profile p ON p.id = e.profile_id
            WHERE p.customer_id = $1 AND e.deleted_at IS NULL`,
          [shopper.customerId]
        )
      )[0].n
    const ordersCount = async () =>
      (await ctx.sql(`SELECT orders_count FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL`, [shopper.customerId]))[0]
        ?.orders_count ?? 0
    const orderAdjustments = async (orderId) =>
      (
        await ctx.sql(
          `SELECT a.code, sum(a.amount)::numeric AS amount
             FROM order_line_item_adjustment a
             JOIN order_item oi ON oi.item_id = a.item_id AND oi.deleted_at IS NULL
            WHERE oi.order_id = $1 AND a.deleted_at IS NULL GROUP BY a.code ORDER BY a.code`,
          [orderId]
        )
      ).map((a) => [a.code, Number(a.amount)])

    await ctx.step(`merchant: segment "orders_count >= 2" (this run's shoppers) with an automatic €${P_OFF} promotion gated to it`, async () => {
      loyal = await createSegment(ctx, { handle: `${run}-loyal`, rule_text: `orders_count >= 2 AND email_domain = '${domain}'` })
      everyone = await createSegment(ctx, { handle: `${run}-all`, rule_text: `email_domain = '${domain}'` })
      promoP = await createGatedPromotion(ctx, loyal, { code: `${run}-P`.toUpperCase(), type: "fixed", value: P_OFF })
      ctx.expectEqual(await promotionGroupIds(ctx, promoP.id), [loyal.customer_group_id], "promotion P's group rule")
    })

    await ctx.step("registers: the account is stored as sent", async () => {
      shopper = await registerShopper(ctx, { label: "ada", domain, first_name: "Ada", last_name: "Journey" })
      const { customer } = ok(await asShopper(ctx, shopper, "GET", "/store/customers/me"), "GET /store/customers/me")
      ctx.expectEqual([customer.id, customer.email, customer.first_name, customer.last_name, customer.has_account], [shopper.customerId, shopper.email, "Ada", "Journey", true], "customer")
    })

    await ctx.step("refused before consent: a tracked event is dropped and nothing is stored; then consent is granted", async () => {
      const dropped = await trackEvents(ctx, shopper, [{ type: "product_viewed", properties: { product_id: ctx.demo.products[0].id } }])
      ctx.expectEqual([dropped.accepted, dropped.dropped_no_consent], [0, 1], "events before consent")
      ctx.expectEqual(await storedEvents(), 0, "events stored before consent (SQL)")
      await recordConsent(ctx, shopper, { personalization: "granted" })
      await ctx.waitFor(() => inGroup(ctx, shopper.customerId, everyone.customer_group_id), "the consenting shopper in the run's segment")
      ctx.expect(!(await inGroup(ctx, shopper.customerId, loyal.customer_group_id)), "no orders yet: not in the orders_count >= 2 segment")
    })

    await ctx.step("browses: three product views tracked, each stored once (a resend is a duplicate)", async () => {
      const events = ctx.demo.products.slice(0, 3).map((p, i) => ({ id: `${run}-view-${i}`, type: "product_viewed", properties: { product_id: p.id } }))
      const first = await trackEvents(ctx, shopper, events)
      ctx.expectEqual([first.accepted, first.duplicates, first.dropped_no_consent], [3, 0, 0], "first send")
      const again = await trackEvents(ctx, shopper, events)
      ctx.expectEqual([again.accepted, again.duplicates], [0, 3], "resend")
      ctx.expectEqual(await storedEvents(), 3, "events stored (SQL)")
    })

    await ctx.step("opens a cart: full price, no promotion", async () => {
      firstCart = await openCart(ctx, shopper, { quantity: 2 })
      const cart = await getCart(ctx, shopper, firstCart)
      ctx.expectEqual([promoCodes(cart), discountOf(cart)], [[], 0], "cart promotions / discount")
      ctx.expectEqual(cart.items.map((i) => i.quantity), [2], "cart items")
    })

    await ctx.step("first order (another cart): one order, still not in the segment", async () => {
      const order = await placeOrder(ctx, shopper, { product: ctx.demo.products[2] })
      ctx.expectEqual(Number(order.discount_total), 0, "first order's discount")
      await ctx.waitFor(async () => (await ordersCount()) === 1, "orders_count = 1 on the profile")
      ctx.expect(!(await inGroup(ctx, shopper.customerId, loyal.customer_group_id)), "one order: not in the segment's group")
      ctx.expect(!(await memberIds(ctx, loyal.id)).includes(shopper.customerId), "one order: not a member")
    })

    let enteredAt
    await ctx.step("second order: enters the segment (open stay + group link)", async () => {
      await placeOrder(ctx, shopper, { product: ctx.demo.products[3] })
      enteredAt = Date.now()
      await ctx.waitFor(() => inGroup(ctx, shopper.customerId, loyal.customer_group_id), "the shopper in the segment's group")
      ctx.expectEqual(await ordersCount(), 2, "orders_count on the profile (SQL)")
      ctx.expectEqual(await memberIds(ctx, loyal.id), [shopper.customerId], "segment members")
    })

    await ctx.step(`the cart opened before shows the €${P_OFF} discount without a cart write`, async () => {
      const cart = await ctx.waitFor(async () => {
        const c = await getCart(ctx, shopper, firstCart)
        return promoCodes(c).length ? c : null
      }, "the discount on the open cart", { timeoutMs: 10_000 })
      ctx.log(`discount visible on a plain GET ${((Date.now() - enteredAt) / 1000).toFixed(2)} s after the second order completed`)
      ctx.expectEqual(promoCodes(cart), [promoP.code], "open cart promotions")
      ctx.expectEqual(discountOf(cart), P_OFF, "open cart discount")
    })

    await ctx.step(`checks out WITH the discount: order discount_total = ${P_OFF}, total = items + shipping - ${P_OFF}`, async () => {
      await prepareCheckout(ctx, shopper, firstCart)
      const cart = await getCart(ctx, shopper, firstCart)
      ctx.expectEqual(promoCodes(cart), [promoP.code], "cart promotions before completing")
      const res = await completeCart(ctx, shopper, firstCart)
      const body = ok(res, "complete the cart")
      ctx.expectEqual(body.type, "order", `completion answer: ${JSON.stringify(body).slice(0, 300)}`)
      const order = body.order
      ctx.expectEqual(Number(order.discount_total), P_OFF, "order discount_total")
      ctx.expectEqual(Number(order.total), Number(order.item_subtotal) + Number(order.shipping_total) - P_OFF, "order total")
      ctx.expectEqual(await orderAdjustments(order.id), [[promoP.code, P_OFF]], "order adjustments (SQL)")
    })

    await ctx.step("merchant tightens the rule to orders_count >= 4: the shopper (3 orders) leaves; an open cart loses the discount without a write", async () => {
      await ctx.waitFor(async () => (await ordersCount()) === 3, "orders_count = 3 on the profile")
      secondCart = await openCart(ctx, shopper, { quantity: 1 })
      ctx.expectEqual(promoCodes(await getCart(ctx, shopper, secondCart)), [promoP.code], "a new cart while a member")
      const { segment } = ok(
        await ctx.admin("POST", `/admin/personalization/segments/${loyal.id}`, { rule_text: `orders_count >= 4 AND email_domain = '${domain}'` }),
        "tighten the rule"
      )
      ctx.expectEqual(segment.rule_text, `orders_count >= 4 AND email_domain = '${domain}'`, "stored rule")
      await ctx.waitFor(async () => !(await inGroup(ctx, shopper.customerId, loyal.customer_group_id)), "the shopper out of the segment's group")
      ctx.expectEqual(await memberIds(ctx, loyal.id), [], "segment members after tightening")
      const cart = await ctx.waitFor(async () => {
        const c = await getCart(ctx, shopper, secondCart)
        return promoCodes(c).length === 0 ? c : null
      }, "the open cart without the discount", { timeoutMs: 10_000 })
      ctx.expectEqual(discountOf(cart), 0, "open cart discount after leaving")
    })

    await ctx.step(`an offer Q (€${Q_OFF}) gated to the shopper's other segment shows on the open cart; shipping and payment chosen`, async () => {
      const { customer_group: nobody } = ok(await ctx.admin("POST", "/admin/customer-groups", { name: `${run} nobody` }), "create a customer group")
      const { promotion } = ok(
        await ctx.admin("POST", "/admin/promotions", {
          code: `${run}-Q`.toUpperCase(),
          type: "standard",
          status: "active",
          is_automatic: true,
          application_method: { type: "fixed", target_type: "order", value: Q_OFF, allocation: "across", currency_code: ctx.demo.currency },
          rules: [{ attribute: "customer.groups.id", operator: "in", values: [nobody.id] }],
        }),
        "create promotion Q (gated to a group nobody is in)"
      )
      promoQ = promotion
      ok(await ctx.admin("POST", `/admin/personalization/segments/${everyone.id}/gate`, { promotion_id: promoQ.id }), "gate Q")
      ctx.expectEqual(promoCodes(await getCart(ctx, shopper, secondCart)), [promoQ.code], "Q on the open cart without a cart write")
      await prepareCheckout(ctx, shopper, secondCart)
      const cart = await getCart(ctx, shopper, secondCart)
      ctx.expectEqual([promoCodes(cart), discountOf(cart)], [[promoQ.code], Q_OFF], "cart ready to complete")
    })

    await ctx.step("the merchant moves Q to the segment the shopper left (Medusa's promotion editor): the open cart still carries Q", async () => {
      const { promotion } = ok(await ctx.admin("GET", `/admin/promotions/${promoQ.id}?fields=id,*rules,*rules.values`), "GET Q")
      const rule = promotion.rules.find((r) => r.attribute === "customer.groups.id" && r.operator === "in")
      ok(
        await ctx.admin("POST", `/admin/promotions/${promoQ.id}/rules/batch`, {
          update: [{ id: rule.id, attribute: "customer.groups.id", operator: "in", values: [loyal.customer_group_id] }],
        }),
        "edit Q's customer group rule"
      )
      ctx.expectEqual(await promotionGroupIds(ctx, promoQ.id), [loyal.customer_group_id], "Q's group rule now")
      ctx.expectEqual(promoCodes(await getCart(ctx, shopper, secondCart)), [promoQ.code], "the stale cart keeps Q (Medusa re-prices nothing on a promotion edit)")
    })

    await ctx.step("refused: the stale cart's checkout answers 400 with the documented message; the cart stays open (SQL)", async () => {
      const res = await completeCart(ctx, shopper, secondCart)
      ctx.expectEqual(res.status, 400, `status (${JSON.stringify(res.body)})`)
      ctx.expectEqual(res.body?.message, staleMessage(promoQ.code), "message")
      const [row] = await ctx.sql(`SELECT completed_at FROM cart WHERE id = $1`, [secondCart])
      ctx.expectEqual(row.completed_at, null, "cart completed_at")
      ctx.expectEqual((await ctx.sql(`SELECT count(*)::int AS n FROM order_cart WHERE cart_id = $1`, [secondCart]))[0].n, 0, "no order for the cart")
    })

    await ctx.step("refreshes the cart (a cart write): Q is gone; completes at full price (order discount_total 0)", async () => {
      ok(await asShopper(ctx, shopper, "POST", `/store/carts/${secondCart}`, {}), "cart write")
      const cart = await getCart(ctx, shopper, secondCart)
      ctx.expectEqual([promoCodes(cart), discountOf(cart)], [[], 0], "refreshed cart")
      await startPayment(ctx, shopper, secondCart)
      const order = await checkout(ctx, shopper, secondCart)
      ctx.expectEqual(Number(order.discount_total), 0, "order discount_total")
      ctx.expectEqual(Number(order.total), Number(cart.total), "order total = the refreshed cart's total")
      ctx.expectEqual(await orderAdjustments(order.id), [], "order adjustments (SQL)")
    })
  },
}
