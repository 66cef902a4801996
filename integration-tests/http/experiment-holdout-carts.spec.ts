// Promotion holdouts and open carts (#16, journey d): starting a holdout on a segment-gated automatic promotion takes
// it off the control arm's OPEN carts without a cart write, a second promotion gated to the same segment neither
// brings it back nor is held out itself, and stopping (or deleting) the experiment gives it back to both arms.
// Mechanism (src/lib/experiments/holdout-rule.ts): while running, the promotion carries
// `customer.groups.id ne [pxhold_<experiment>]`; the pricing hook adds that marker to a control subject's groups.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { seedDemoStore, type SeedDemoResult } from "../../src/scripts/demo/seed"
import { adminHeaders } from "../helpers/auth"
import { getCart, openCart, registerShopper, waitFor, type Shopper } from "../helpers/storefront"
import { saltSplitting } from "../helpers/experiments"
import { sql } from "../../src/lib/db/raw-sql"
import { addHoldoutRule, holdoutMarker, removeHoldoutRule } from "../../src/lib/experiments/holdout-rule"

jest.setTimeout(300_000)

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let admin: Record<string, string>
    let seeded: SeedDemoResult
    let n = 0
    const post = (url: string, body: unknown = {}) => api.post(url, body, { headers: admin, validateStatus: () => true })
    const del = (url: string) => api.delete(url, { headers: admin, validateStatus: () => true })
    const codes = (cart: any) => (cart.promotions ?? []).map((p: any) => p.code).sort()
    const discount = (cart: any) => Number(cart.original_total) - Number(cart.total)

    beforeAll(async () => {
      seeded = await seedDemoStore(getContainer(), { customers: 4, products: 3, admin: false, segments: false, log: () => undefined })
      admin = (await adminHeaders(getContainer(), "holdout-admin@holdout.example")).headers
    })

    /** An active segment of one email domain, and `count` shoppers of that domain who consented and entered it. */
    async function segmentWithMembers(tag: string, count: number) {
      const domain = `${tag}-${Date.now()}.holdout.example`
      const res = await post("/admin/personalization/segments", {
        handle: `${tag}-${++n}`,
        name: tag,
        rule_text: `email_domain = '${domain}'`,
        status: "active",
      })
      expect([200, 201]).toContain(res.status)
      const segment = res.data.segment as { id: string; customer_group_id: string }
      const shoppers: Shopper[] = []
      for (let i = 0; i < count; i++) {
        const s = await registerShopper(api, seeded.publishableKey, `s${i}@${domain}`)
        await api.post("/store/personalization/consent", { purposes: { personalization: "granted" } }, { headers: s.headers })
        shoppers.push(s)
      }
      const customers = getContainer().resolve(Modules.CUSTOMER)
      for (const s of shoppers) {
        await waitFor(
          async () => (await customers.listCustomerGroupCustomers({ customer_id: s.customerId, customer_group_id: segment.customer_group_id })).length > 0,
          `${s.email} in the segment's group`
        )
      }
      return { segment, shoppers }
    }

    async function gatedPromotion(segmentId: string, code: string, value: number) {
      // gated to a group nobody is in first (never an ungated automatic promotion), then to the segment, which re-prices
      const group = await getContainer().resolve(Modules.CUSTOMER).createCustomerGroups({ name: `nobody ${code}` })
      const [promo] = await getContainer()
        .resolve(Modules.PROMOTION)
        .createPromotions([
          {
            code,
            type: "standard",
            status: "active",
            is_automatic: true,
            application_method: { type: "fixed", target_type: "order", allocation: "across", value, currency_code: "eur" },
            rules: [{ attribute: "customer.groups.id", operator: "in", values: [group.id] }],
          } as any,
        ])
      const gate = await post(`/admin/personalization/segments/${segmentId}/gate`, { promotion_id: promo.id })
      expect(gate.status).toBe(200)
      return { id: promo.id as string, code }
    }

    async function holdoutRules(promotionId: string) {
      const [p] = await getContainer().resolve(Modules.PROMOTION).listPromotions({ id: [promotionId] }, { relations: ["rules", "rules.values"] })
      return (p.rules ?? []).filter((r: any) => r.operator === "ne").map((r: any) => ({ attribute: r.attribute, values: r.values.map((v: any) => v.value) }))
    }

    /** Starts a 50% holdout whose salt puts the first shopper in control and the second in treatment. */
    async function startHoldout(promotionId: string, control: Shopper, treatment: Shopper, prefix: string) {
      const salt = saltSplitting(prefix, 50, (armOf) => armOf(`customer:${control.customerId}`) === "control" && armOf(`customer:${treatment.customerId}`) === "treatment")
      const res = await post("/admin/personalization/experiments", { name: prefix, target_type: "promotion", target_id: promotionId, holdout_percent: 50, salt })
      expect(res.status).toBe(201)
      return res.data.experiment.id as string
    }

    it("start takes the promotion off the control's open cart without a cart write (treatment keeps it); a second gated promotion applies to both and does not bring it back; stop gives it back to both", async () => {
      const { segment, shoppers } = await segmentWithMembers("arms", 2)
      const [control, treatment] = shoppers
      const a = await gatedPromotion(segment.id, `HOLDA${Date.now().toString(36).toUpperCase()}`, 7)
      const carts = [await openCart(api, control), await openCart(api, treatment)]
      for (const [i, s] of shoppers.entries()) expect(codes(await getCart(api, s, carts[i]))).toEqual([a.code])

      const id = await startHoldout(a.id, control, treatment, "arms")
      expect(await holdoutRules(a.id)).toEqual([{ attribute: "customer.groups.id", values: [holdoutMarker(id)] }])
      // plain GETs: the control's cart lost it, the treatment's kept it
      const c1 = await getCart(api, control, carts[0])
      expect(codes(c1)).toEqual([])
      expect(discount(c1)).toBe(0)
      const t1 = await getCart(api, treatment, carts[1])
      expect(codes(t1)).toEqual([a.code])
      expect(discount(t1)).toBe(7)
      // the carts' items are untouched (only the promotion computation ran)
      const items = await sql<{ cart_id: string; n: number }>(getContainer(), `SELECT cart_id, count(*)::int AS n FROM cart_line_item WHERE cart_id = ANY($1) AND deleted_at IS NULL GROUP BY cart_id`, [carts])
      expect(items.map((r) => r.n)).toEqual([1, 1])
      // both members were exposed by the re-pricing, each in the salt's arm
      const exposures = await sql<{ customer_id: string; arm: string }>(getContainer(), `SELECT customer_id, arm FROM personalization_exposure WHERE experiment_id = $1 ORDER BY arm`, [id])
      expect(exposures).toEqual([
        { customer_id: control.customerId, arm: "control" },
        { customer_id: treatment.customerId, arm: "treatment" },
      ])

      // a second promotion gated to the same segment: both arms get it; the held-out one stays off the control's cart
      const b = await gatedPromotion(segment.id, `HOLDB${Date.now().toString(36).toUpperCase()}`, 3)
      const c2 = await getCart(api, control, carts[0])
      expect(codes(c2)).toEqual([b.code])
      expect(discount(c2)).toBe(3)
      const t2 = await getCart(api, treatment, carts[1])
      expect(codes(t2)).toEqual([a.code, b.code].sort())
      expect(discount(t2)).toBe(10)
      // the control's own cart write keeps the holdout
      await api.post(`/store/carts/${carts[0]}`, {}, { headers: control.headers })
      expect(codes(await getCart(api, control, carts[0]))).toEqual([b.code])

      // stop: rule removed, both arms get A back on a plain GET
      const stopped = await post(`/admin/personalization/experiments/${id}/stop`)
      expect(stopped.status).toBe(200)
      expect(await holdoutRules(a.id)).toEqual([])
      for (const [i, s] of shoppers.entries()) {
        const cart = await getCart(api, s, carts[i])
        expect(codes(cart)).toEqual([a.code, b.code].sort())
        expect(discount(cart)).toBe(10)
      }
    })

    it("deleting a running holdout removes the rule and gives the control arm the promotion back without a cart write", async () => {
      const { segment, shoppers } = await segmentWithMembers("deleted", 2)
      const [control, treatment] = shoppers
      const a = await gatedPromotion(segment.id, `HOLDD${Date.now().toString(36).toUpperCase()}`, 5)
      const cartId = await openCart(api, control)
      const id = await startHoldout(a.id, control, treatment, "deleted")
      expect(codes(await getCart(api, control, cartId))).toEqual([])
      expect((await del(`/admin/personalization/experiments/${id}`)).status).toBe(200)
      expect(await holdoutRules(a.id)).toEqual([])
      expect(codes(await getCart(api, control, cartId))).toEqual([a.code])
    })

    it("the holdout rule helpers are idempotent, leave other values on the rule alone and ignore an unknown promotion", async () => {
      const { segment } = await segmentWithMembers("rules", 0)
      const a = await gatedPromotion(segment.id, `HOLDR${Date.now().toString(36).toUpperCase()}`, 2)
      const before = await holdoutRules(a.id)
      expect(before).toEqual([])
      // add twice: one rule
      const container = getContainer()
      expect(await addHoldoutRule(container, a.id, "pexp_one")).toEqual(expect.any(String))
      expect(await addHoldoutRule(container, a.id, "pexp_one")).toBeNull()
      expect(await holdoutRules(a.id)).toEqual([{ attribute: "customer.groups.id", values: [holdoutMarker("pexp_one")] }])
      // a value someone else put on the same rule survives the removal of ours
      const [p] = await container.resolve(Modules.PROMOTION).listPromotions({ id: [a.id] }, { relations: ["rules", "rules.values"] })
      const rule = (p.rules ?? []).find((r: any) => r.operator === "ne")!
      await container.resolve(Modules.PROMOTION).updatePromotionRules([{ id: rule.id, values: [holdoutMarker("pexp_one"), "cusgroup_other"] }])
      expect(await removeHoldoutRule(container, a.id, "pexp_one")).toBe(true)
      expect(await holdoutRules(a.id)).toEqual([{ attribute: "customer.groups.id", values: ["cusgroup_other"] }])
      expect(await removeHoldoutRule(container, a.id, "pexp_one")).toBe(false)
      // an unknown promotion: nothing to do, no throw
      expect(await addHoldoutRule(container, "promo_nope", "pexp_one")).toBeNull()
      expect(await removeHoldoutRule(container, "promo_nope", "pexp_one")).toBe(false)
    })
  },
})
