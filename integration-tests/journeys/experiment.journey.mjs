// Journey d — Experiment: a holdout on a segment-gated automatic promotion, seen from the shoppers' open carts.
// Two members of a segment each hold an open cart with the promotion. Starting a 50% holdout takes it off the control
// arm's cart at once (no cart write by anyone), gating a second promotion to the same segment does not bring the
// held-out one back, the holdout holds on the shopper's own cart writes, and stopping the experiment gives it back
// to both arms, again without a cart write. The arms are fixed by an explicit salt chosen for the two shoppers
// (lib/arms.mjs); the store's own assignment (the logged exposures) is checked against it.
import { saltFor } from "./lib/arms.mjs"
import { ok } from "./lib/context.mjs"
import { createSegment, inGroup, memberIds, promotionGroupIds } from "./lib/merchant.mjs"
import { createGatedPromotion } from "./lib/admin-helpers.mjs"
import { asShopper, getCart, openCart, prepareCheckout, checkout, promoCodes, recordConsent, registerShopper } from "./lib/shopper.mjs"

const HOLDOUT = 50
const A_OFF = 7 // the experiment's promotion, € off the order
const B_OFF = 3 // the second promotion gated to the same segment

const discountOf = (cart) => Number(cart.original_total) - Number(cart.total)

async function holdoutRules(ctx, promotionId) {
  const { promotion } = ok(await ctx.admin("GET", `/admin/promotions/${promotionId}?fields=id,*rules,*rules.values`), "GET promotion")
  return (promotion.rules ?? []).filter((r) => r.attribute === "customer.groups.id" && r.operator === "ne").map((r) => r.values.map((v) => v.value))
}

export default {
  name: "experiment",
  async run(ctx) {
    const run = ctx.unique("exp")
    const domain = `${run}.journeys.test`
    let segment, promoA, promoB, shoppers, carts, experiment, arms

    await ctx.step(`merchant: segment "email_domain = ${domain}" and an automatic €${A_OFF} promotion gated to it`, async () => {
      segment = await createSegment(ctx, { handle: run, rule_text: `email_domain = '${domain}'` })
      promoA = await createGatedPromotion(ctx, segment, { code: `${run}-A`.toUpperCase(), type: "fixed", value: A_OFF })
      ctx.expectEqual(await promotionGroupIds(ctx, promoA.id), [segment.customer_group_id], "promotion A's group rule")
      ctx.expectEqual(await holdoutRules(ctx, promoA.id), [], "no holdout rule before an experiment")
    })

    await ctx.step("two shoppers sign up with consent and enter the segment (open stays = group links)", async () => {
      shoppers = []
      for (const label of ["one", "two"]) {
        const s = await registerShopper(ctx, { label, domain })
        await recordConsent(ctx, s)
        shoppers.push(s)
      }
      for (const s of shoppers) await ctx.waitFor(() => inGroup(ctx, s.customerId, segment.customer_group_id), `${s.email} in the segment's group`)
      const ids = shoppers.map((s) => s.customerId).sort()
      ctx.expectEqual(await memberIds(ctx, segment.id), ids, "segment members (admin API)")
      const links = await ctx.sql(
        `SELECT customer_id FROM customer_group_customer WHERE customer_group_id = $1 AND deleted_at IS NULL ORDER BY customer_id`,
        [segment.customer_group_id]
      )
      ctx.expectEqual(links.map((l) => l.customer_id), ids, "group links (SQL)")
    })

    await ctx.step(`each opens a cart: promotion A applies (€${A_OFF} off)`, async () => {
      carts = []
      for (const s of shoppers) carts.push(await openCart(ctx, s, { quantity: 1 }))
      for (const [i, s] of shoppers.entries()) {
        const cart = await getCart(ctx, s, carts[i])
        ctx.expectEqual(promoCodes(cart), [promoA.code], `cart of shopper ${i + 1}: promotions`)
        ctx.expectEqual(discountOf(cart), A_OFF, `cart of shopper ${i + 1}: discount`)
      }
    })

    await ctx.step("refused: a holdout on a promotion not gated to a segment (400 target_id); unknown experiment 404", async () => {
      const { promotion: ungated } = ok(
        await ctx.admin("POST", "/admin/promotions", {
          code: `${run}-UNGATED`.toUpperCase(),
          type: "standard",
          status: "draft",
          is_automatic: false,
          application_method: { type: "fixed", target_type: "order", value: 1, allocation: "across", currency_code: ctx.demo.currency },
        }),
        "create an ungated promotion"
      )
      const res = await ctx.admin("POST", "/admin/personalization/experiments", { name: "ungated", target_type: "promotion", target_id: ungated.id })
      ctx.expectEqual(res.status, 400, "status")
      ctx.expect(/^target_id:.*not gated/.test(res.body?.message), `message names target_id: ${JSON.stringify(res.body)}`)
      ctx.expectEqual((await ctx.admin("POST", "/admin/personalization/experiments/pexp_nope/stop")).status, 404, "stop an unknown experiment")
    })

    await ctx.step(`start a ${HOLDOUT}% holdout on promotion A (salt chosen so shopper 1 is control, shopper 2 treatment); a second one on A is 409`, async () => {
      arms = { [shoppers[0].customerId]: "control", [shoppers[1].customerId]: "treatment" }
      const salt = saltFor(run, HOLDOUT, arms)
      const res = await ctx.admin("POST", "/admin/personalization/experiments", {
        name: `${run} holdout`,
        target_type: "promotion",
        target_id: promoA.id,
        holdout_percent: HOLDOUT,
        salt,
      })
      experiment = ok(res, "create experiment", 201).experiment
      ctx.expectEqual(
        [experiment.target_type, experiment.target_id, experiment.holdout_percent, experiment.status],
        ["promotion", promoA.id, HOLDOUT, "running"],
        "experiment as stored"
      )
      ctx.expect(!("salt" in experiment), "the salt is never returned")
      ctx.expectEqual(await holdoutRules(ctx, promoA.id), [[`pxhold_${experiment.id}`]], "promotion A carries the holdout rule")
      const dup = await ctx.admin("POST", "/admin/personalization/experiments", { name: "again", target_type: "promotion", target_id: promoA.id })
      ctx.expectEqual(dup.status, 409, "a second experiment on the same promotion")
    })

    await ctx.step("the control arm's OPEN cart lost promotion A without a cart write; the treatment's kept it", async () => {
      const [control, treatment] = [await getCart(ctx, shoppers[0], carts[0]), await getCart(ctx, shoppers[1], carts[1])]
      ctx.expectEqual(promoCodes(control), [], "control cart: promotions")
      ctx.expectEqual(discountOf(control), 0, "control cart: discount")
      ctx.expectEqual(promoCodes(treatment), [promoA.code], "treatment cart: promotions")
      ctx.expectEqual(discountOf(treatment), A_OFF, "treatment cart: discount")
      // re-pricing the open carts exposed both members, each in the arm the salt gives
      const exposures = await ctx.sql(`SELECT customer_id, arm FROM personalization_exposure WHERE experiment_id = $1 AND deleted_at IS NULL`, [experiment.id])
      ctx.expectEqual(Object.fromEntries(exposures.map((e) => [e.customer_id, e.arm])), arms, "exposures (SQL) = the salt's arms")
      const { experiment: read } = ok(await ctx.admin("GET", `/admin/personalization/experiments/${experiment.id}`), "GET experiment")
      ctx.expectEqual([read.results.arms.control.subjects, read.results.arms.treatment.subjects], [1, 1], "results: subjects per arm")
    })

    await ctx.step(`gating a second promotion B (€${B_OFF}) to the segment re-prices the carts: B on both, A still off the control's`, async () => {
      // B starts gated to a store group nobody is in (never an ungated automatic promotion), then to the segment too
      const { customer_group: nobody } = ok(await ctx.admin("POST", "/admin/customer-groups", { name: `${run} nobody` }), "create a customer group")
      const { promotion } = ok(
        await ctx.admin("POST", "/admin/promotions", {
          code: `${run}-B`.toUpperCase(),
          type: "standard",
          status: "active",
          is_automatic: true,
          application_method: { type: "fixed", target_type: "order", value: B_OFF, allocation: "across", currency_code: ctx.demo.currency },
          rules: [{ attribute: "customer.groups.id", operator: "in", values: [nobody.id] }],
        }),
        "create promotion B"
      )
      promoB = promotion
      const { gate } = ok(await ctx.admin("POST", `/admin/personalization/segments/${segment.id}/gate`, { promotion_id: promoB.id }), "gate B")
      ctx.expectEqual([gate.changed, gate.rule.values.slice().sort()], [true, [nobody.id, segment.customer_group_id].sort()], "gate answer")
      const [control, treatment] = [await getCart(ctx, shoppers[0], carts[0]), await getCart(ctx, shoppers[1], carts[1])]
      ctx.expectEqual(promoCodes(control), [promoB.code], "control cart: B only")
      ctx.expectEqual(discountOf(control), B_OFF, "control cart: discount")
      ctx.expectEqual(promoCodes(treatment), [promoA.code, promoB.code].sort(), "treatment cart: A and B")
      ctx.expectEqual(discountOf(treatment), A_OFF + B_OFF, "treatment cart: discount")
    })

    await ctx.step("the holdout holds on the control shopper's own cart write (adds an item): B applies, A does not", async () => {
      const product = ctx.demo.products[1]
      const res = await asShopper(ctx, shoppers[0], "POST", `/store/carts/${carts[0]}/line-items`, { variant_id: product.variants[0].id, quantity: 1 })
      ok(res, "add an item")
      const control = await getCart(ctx, shoppers[0], carts[0])
      ctx.expectEqual(control.items.length, 2, "control cart: items")
      ctx.expectEqual(promoCodes(control), [promoB.code], "control cart after its write: promotions")
      ctx.expectEqual(discountOf(control), B_OFF, "control cart after its write: discount")
    })

    await ctx.step("stop the experiment: both arms get promotion A back without a cart write", async () => {
      const { experiment: stopped } = ok(await ctx.admin("POST", `/admin/personalization/experiments/${experiment.id}/stop`), "stop")
      ctx.expectEqual(stopped.status, "stopped", "experiment status")
      ctx.expectEqual(await holdoutRules(ctx, promoA.id), [], "promotion A's holdout rule removed")
      ctx.expectEqual(await promotionGroupIds(ctx, promoA.id), [segment.customer_group_id], "promotion A's group rule untouched")
      for (const [i, s] of shoppers.entries()) {
        const cart = await getCart(ctx, s, carts[i])
        ctx.expectEqual(promoCodes(cart), [promoA.code, promoB.code].sort(), `cart of shopper ${i + 1}: promotions`)
        ctx.expectEqual(discountOf(cart), A_OFF + B_OFF, `cart of shopper ${i + 1}: discount`)
      }
    })

    await ctx.step(`the control shopper checks out with both discounts (order discount_total = ${A_OFF + B_OFF}); results count the conversion`, async () => {
      await prepareCheckout(ctx, shoppers[0], carts[0])
      const order = await checkout(ctx, shoppers[0], carts[0])
      ctx.expectEqual(Number(order.discount_total), A_OFF + B_OFF, "order discount_total")
      const adjustments = await ctx.sql(
        `SELECT a.code, sum(a.amount)::numeric AS amount
           FROM order_line_item_adjustment a
           JOIN order_item oi ON oi.item_id = a.item_id AND oi.deleted_at IS NULL
          WHERE oi.order_id = $1 AND a.deleted_at IS NULL GROUP BY a.code ORDER BY a.code`,
        [order.id]
      )
      ctx.expectEqual(
        adjustments.map((a) => [a.code, Number(a.amount)]),
        [[promoA.code, A_OFF], [promoB.code, B_OFF]].sort((x, y) => x[0].localeCompare(y[0])),
        "order adjustments by code (SQL)"
      )
      const { experiment: read } = ok(await ctx.admin("GET", `/admin/personalization/experiments/${experiment.id}`), "GET experiment")
      ctx.expectEqual(read.results.arms.control.conversions, 1, "results: the control's conversion")
    })
  },
}
