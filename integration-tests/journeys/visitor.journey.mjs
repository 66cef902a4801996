// Journey b — the visitor: browses anonymously without consent (nothing stored), consents and browses into a
// window segment (a personalized section served), signs up and identifies (the customer keeps the segment; the
// offers gated to it are listed and priced), signs out; a new visitor id starts blank and the old one is retired.
import { ok } from "./lib/context.mjs"
import { getCart, openCart, promoCodes, registerShopper } from "./lib/shopper.mjs"
import { createSegment, inGroup } from "./lib/merchant.mjs"
import { activatePriceList, createGatedPromotion, createSalePriceList, gatePriceList, pricedProducts } from "./lib/admin-helpers.mjs"

const VIEWS_NEEDED = 3

export default {
  name: "visitor",
  async run(ctx) {
    const { step, expect, expectEqual, sql } = ctx
    const tag = ctx.unique("visit").replace(/-/g, "_") // the campaign only this journey's visitor comes from
    const [member, alsoMember, fallback] = pricedProducts(ctx, 3)
    const variantOf = (p) => p.variants[0]
    const original = Number(variantOf(member).calculated_price.calculated_amount)
    const memberPrice = Math.max(1, Math.round(original * 0.6))
    const regionQ = `region_id=${ctx.demo.regionId}`
    const vid = ctx.unique("vid")
    const anon = (method, url, body, visitorId = vid) => ctx.store(method, url, { body, headers: { "x-visitor-id": visitorId } })
    const views = (n, from) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${vid}-view-${from + i}`,
        type: "product_viewed",
        properties: { product_id: member.id, category: "electronics", utm_campaign: tag },
      }))
    const sectionsAs = async (opts) =>
      ok(await ctx.store("GET", `/store/personalization/sections?placement=${placement.handle}&${regionQ}`, opts), "GET sections").sections[0]
    const priceIn = (section, product) => {
      const p = section.products.find((x) => x.id === product.id)
      expect(p, `section lists ${product.id}: ${JSON.stringify(section.products.map((x) => x.id))}`)
      return p.variants.find((v) => v.id === variantOf(product).id).calculated_price
    }
    const profileOfVisitor = async (visitorId) =>
      (await sql(`SELECT id, consent, merged_into_id, evaluated_at FROM personalization_customer_profile WHERE visitor_id = $1 AND deleted_at IS NULL`, [visitorId]))[0]

    let segment, placement, promotion, priceList
    await step("merchant: a public window segment, a placement with a variant for it, a promotion and a price list gated to it", async () => {
      segment = await createSegment(ctx, {
        handle: ctx.unique("visit-browsers"),
        name: `Campaign browsers ${tag}`,
        rule_text: `event('product_viewed', utm_campaign = '${tag}').count(last 1d) >= ${VIEWS_NEEDED}`,
        is_public: true,
      })
      expectEqual([segment.is_public, segment.member_count], [true, 0], "public, and nobody has browsed from the campaign yet")
      placement = ok(
        await ctx.admin("POST", "/admin/personalization/placements", {
          handle: `${tag.replace(/_/g, "-")}.hero`,
          variants: [
            { name: "Everyone", content: { title: "New in", product_ids: [fallback.id] } },
            { name: "Campaign browsers", segment_id: segment.id, priority: 10, content: { title: "Picked for you", product_ids: [member.id, alsoMember.id] } },
          ],
        }),
        "create placement",
        201
      ).placement
      expectEqual(placement.variants.map((v) => [v.name, v.segment_id ?? null]).sort(), [["Campaign browsers", segment.id], ["Everyone", null]], "placement variants as stored")
      priceList = await createSalePriceList(ctx, { title: `Campaign prices ${tag}`, prices: [{ variant_id: variantOf(member).id, amount: memberPrice }] })
      promotion = await createGatedPromotion(ctx, segment, { code: ctx.unique("VISIT").toUpperCase(), type: "percentage", value: 10 })
      await gatePriceList(ctx, segment, priceList)
      await activatePriceList(ctx, priceList)
    })

    await step("anonymous without consent: events are dropped and nothing is stored (SQL), the default section is served", async () => {
      // refused first: a write with no subject, and a malformed visitor id
      const none = await ctx.store("POST", "/store/personalization/events", { body: { events: views(1, 90) } })
      expectEqual(none.status, 400, "events with neither visitor id nor token")
      expect(/x-visitor-id/.test(none.body?.message), `the 400 names x-visitor-id: ${JSON.stringify(none.body)}`)
      const bad = await anon("POST", "/store/personalization/events", { events: views(1, 91) }, "bad id!")
      expectEqual(bad.status, 400, "a malformed visitor id")
      expect(/^x-visitor-id/.test(bad.body?.message), `the 400 names x-visitor-id: ${JSON.stringify(bad.body)}`)

      const tracked = ok(await anon("POST", "/store/personalization/events", { events: views(VIEWS_NEEDED, 0) }), "POST events", 202)
      expectEqual(tracked, { accepted: 0, duplicates: 0, dropped_no_consent: VIEWS_NEEDED, dropped_stale: 0 }, "tracking answer without consent")
      const me = ok(await anon("GET", "/store/personalization/me"), "GET /me")
      expectEqual(me.subject, { type: "visitor" }, "subject")
      expectEqual(me.segments, [], "segments without consent")
      expectEqual(me.consent.personalization, { status: null, recorded_at: null }, "consent never asked")
      const section = await sectionsAs({ headers: { "x-visitor-id": vid } })
      expectEqual([section.variant?.name, section.variant?.targeted], ["Everyone", false], "the default variant")
      expectEqual(section.products.map((p) => p.id), [fallback.id], "the default variant's products")
      expectEqual(ok(await anon("GET", "/store/personalization/offers"), "GET offers"), { promotions: [], price_lists: [] }, "a visitor's offers")
      const [{ profiles }] = await sql(`SELECT count(*)::int AS profiles FROM personalization_customer_profile WHERE visitor_id = $1`, [vid])
      const [{ events }] = await sql(`SELECT count(*)::int AS events FROM personalization_behavior_event WHERE client_id LIKE $1`, [`${vid}-%`])
      expectEqual({ profiles, events }, { profiles: 0, events: 0 }, "rows stored for the visitor (SQL)")
    })

    await step("consents: the decision is stored on a new profile and in the ledger (SQL)", async () => {
      const res = ok(await anon("POST", "/store/personalization/consent", { purposes: { personalization: "granted" }, policy_version: "journey-1" }), "POST consent")
      expectEqual(res.consent.personalization.status, "granted", "consent answer")
      const profile = await profileOfVisitor(vid)
      expect(profile, "a profile exists once consent is given")
      expectEqual(profile.consent.personalization?.status, "granted", "profile consent (SQL)")
      const ledger = await sql(`SELECT purpose, status, source, policy_version FROM personalization_consent_record WHERE profile_id = $1 AND deleted_at IS NULL`, [profile.id])
      expectEqual(ledger, [{ purpose: "personalization", status: "granted", source: "store", policy_version: "journey-1" }], "consent ledger (SQL)")
    })

    await step(`${VIEWS_NEEDED - 1} views with consent: stored, evaluated, still below the window threshold (default section)`, async () => {
      const tracked = ok(await anon("POST", "/store/personalization/events", { events: views(VIEWS_NEEDED - 1, 0) }), "POST events", 202)
      expectEqual(tracked.accepted, VIEWS_NEEDED - 1, "accepted")
      const profile = await profileOfVisitor(vid)
      const [{ stored_at }] = await sql(`SELECT max(created_at) AS stored_at FROM personalization_behavior_event WHERE profile_id = $1`, [profile.id])
      // the evaluation runs after the 202: wait until one started after the events were stored, then check it
      await ctx.waitFor(async () => {
        const p = await profileOfVisitor(vid)
        return p.evaluated_at && new Date(p.evaluated_at) >= new Date(stored_at)
      }, "the visitor's evaluation after the second view")
      const [{ open }] = await sql(
        `SELECT count(*)::int AS open FROM personalization_segment_membership WHERE profile_id = $1 AND segment_id = $2 AND exited_at IS NULL AND deleted_at IS NULL`,
        [profile.id, segment.id]
      )
      expectEqual(open, 0, "open stays in the window segment (SQL)")
      expectEqual(ok(await anon("GET", "/store/personalization/me"), "GET /me").segments, [], "segments below the threshold")
      expectEqual((await sectionsAs({ headers: { "x-visitor-id": vid } })).variant?.name, "Everyone", "variant below the threshold")
    })

    await step("the third view enters the window segment: /me names it and the personalized section is served", async () => {
      const t = Date.now()
      ok(await anon("POST", "/store/personalization/events", { events: views(1, VIEWS_NEEDED - 1) }), "POST events", 202)
      const me = await ctx.waitFor(async () => {
        const body = ok(await anon("GET", "/store/personalization/me"), "GET /me")
        return body.segments.length ? body : null
      }, "the visitor in the segment")
      ctx.log(`   in the segment ${Date.now() - t} ms after the third view`)
      expectEqual(me.segments, [{ handle: segment.handle, name: segment.name }], "public segments of the visitor")
      const section = await sectionsAs({ headers: { "x-visitor-id": vid } })
      expectEqual(section.variant, { id: section.variant.id, name: "Campaign browsers", targeted: true, segment: { handle: segment.handle, name: segment.name } }, "the variant served")
      expectEqual(section.content.title, "Picked for you", "the variant's content")
      expectEqual(section.products.map((p) => p.id), [member.id, alsoMember.id], "the variant's products in order")
      // the price list is gated on a customer group, which a visitor has not: the visitor sees the regular price
      expectEqual(Number(priceIn(section, member).calculated_amount), original, "a visitor's price of the price-list product")
      expectEqual(ok(await anon("GET", "/store/personalization/offers"), "GET offers"), { promotions: [], price_lists: [] }, "a visitor's offers")
      const profile = await profileOfVisitor(vid)
      const open = await sql(
        `SELECT s.handle FROM personalization_segment_membership m JOIN personalization_segment s ON s.id = m.segment_id
          WHERE m.profile_id = $1 AND m.exited_at IS NULL AND m.deleted_at IS NULL ORDER BY 1`,
        [profile.id]
      )
      // an anonymous visitor who never ordered is in this segment only (the demo "guests" segment must not take it)
      expectEqual(open.map((r) => r.handle), [segment.handle], "the visitor's open stays (SQL)")
    })

    let shopper
    await step("signs up: before identify the new customer has none of it (no segment, no offers, no group)", async () => {
      shopper = await registerShopper(ctx, { label: "visitor", first_name: "Vera", last_name: "Visitor" })
      const me = ok(await ctx.store("GET", "/store/personalization/me", { token: shopper.token }), "GET /me as customer")
      expectEqual([me.subject.type, me.segments], ["customer", []], "the customer before identify")
      expectEqual(ok(await ctx.store("GET", "/store/personalization/offers", { token: shopper.token }), "GET offers"), { promotions: [], price_lists: [] }, "offers before identify")
      expect(!(await inGroup(ctx, shopper.customerId, segment.customer_group_id)), "not in the managed group before identify (SQL)")
      const idNoVisitor = await ctx.store("POST", "/store/personalization/identify", { token: shopper.token })
      expectEqual(idNoVisitor.status, 400, "identify without x-visitor-id")
      expect(/^x-visitor-id/.test(idNoVisitor.body?.message), `the 400 names x-visitor-id: ${JSON.stringify(idNoVisitor.body)}`)
      const idNoToken = await anon("POST", "/store/personalization/identify")
      expectEqual(idNoToken.status, 401, "identify without a customer token")
    })

    await step("identify: the visitor's events move to the customer, who keeps the segment and its managed group", async () => {
      const merged = ok(await ctx.store("POST", "/store/personalization/identify", { token: shopper.token, headers: { "x-visitor-id": vid } }), "identify")
      expectEqual(merged, { merged: true, events_moved: VIEWS_NEEDED, events_dropped: 0 }, "identify answer")
      const again = ok(await ctx.store("POST", "/store/personalization/identify", { token: shopper.token, headers: { "x-visitor-id": vid } }), "identify again")
      expectEqual([again.merged, again.reason], [false, "already_merged"], "identify again is harmless")
      const me = await ctx.waitFor(async () => {
        const body = ok(await ctx.store("GET", "/store/personalization/me", { token: shopper.token }), "GET /me as customer")
        return body.segments.length ? body : null
      }, "the customer in the segment")
      expectEqual(me.segments, [{ handle: segment.handle, name: segment.name }], "the customer's public segments")
      expectEqual(me.consent.personalization.status, "granted", "the visitor's consent carried over")
      await ctx.waitFor(() => inGroup(ctx, shopper.customerId, segment.customer_group_id), "the customer in the managed group (SQL)")
      const [visitorRow] = await sql(`SELECT merged_into_id FROM personalization_customer_profile WHERE visitor_id = $1`, [vid])
      const [customerRow] = await sql(`SELECT id FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL`, [shopper.customerId])
      expectEqual(visitorRow.merged_into_id, customerRow.id, "the visitor profile is merged into the customer's (SQL)")
      const [{ events }] = await sql(`SELECT count(*)::int AS events FROM personalization_behavior_event WHERE profile_id = $1 AND deleted_at IS NULL AND client_id LIKE $2`, [customerRow.id, `${vid}-%`])
      expectEqual(events, VIEWS_NEEDED, "the views now on the customer's profile (SQL)")
    })

    await step("the customer's offers list the gated promotion and price list; sections and the cart are priced with them", async () => {
      const offers = ok(await ctx.store("GET", "/store/personalization/offers", { token: shopper.token }), "GET offers")
      const seg = [{ handle: segment.handle, name: segment.name }]
      expectEqual(
        offers.promotions.map((p) => ({ id: p.id, code: p.code, is_automatic: p.is_automatic, type: p.type, value: p.value, segments: p.segments })),
        [{ id: promotion.id, code: promotion.code, is_automatic: true, type: "percentage", value: 10, segments: seg }],
        "offered promotions"
      )
      expectEqual(
        offers.price_lists.map((l) => ({ id: l.id, title: l.title, type: l.type, product_count: l.product_count, segments: l.segments })),
        [{ id: priceList.id, title: priceList.title, type: "sale", product_count: 1, segments: seg }],
        "offered price lists"
      )
      const section = await sectionsAs({ token: shopper.token })
      expectEqual([section.variant?.name, section.variant?.targeted], ["Campaign browsers", true], "the customer's variant")
      const price = priceIn(section, member)
      expectEqual([Number(price.calculated_amount), Number(price.original_amount)], [memberPrice, original], "the member price in the section")
      const cartId = await openCart(ctx, shopper, { product: member })
      const cart = await getCart(ctx, shopper, cartId)
      expectEqual(Number(cart.items[0].unit_price), memberPrice, "the cart line at the price-list price")
      expectEqual(promoCodes(cart), [promotion.code], "the automatic promotion on the member's cart")
      expect(Number(cart.discount_total) > 0, `the cart is discounted: discount_total ${cart.discount_total}`)
    })

    await step("the old visitor id is retired: anonymous writes 409, anonymous reads blank, another customer cannot claim it", async () => {
      const write = await anon("POST", "/store/personalization/events", { events: views(1, 50) })
      expectEqual(write.status, 409, "anonymous events with the retired id")
      expect(/x-visitor-id/.test(write.body?.message), `the 409 names x-visitor-id: ${JSON.stringify(write.body)}`)
      const me = ok(await anon("GET", "/store/personalization/me"), "GET /me with the retired id")
      expectEqual([me.segments, me.consent.personalization.status], [[], null], "a retired id reads blank")
      const other = await registerShopper(ctx, { label: "visitor-other" })
      const claim = await ctx.store("POST", "/store/personalization/identify", { token: other.token, headers: { "x-visitor-id": vid } })
      expectEqual(claim.status, 409, "identify of a visitor id linked to another customer")
    })

    await step("signs out: a new visitor id starts blank (no segment, default section, no offers, nothing stored), the account keeps the segment", async () => {
      const fresh = ctx.unique("vid")
      const me = ok(await anon("GET", "/store/personalization/me", undefined, fresh), "GET /me with a new visitor id")
      expectEqual(me.subject, { type: "visitor" }, "subject")
      expectEqual(me.segments, [], "segments of the new visitor")
      expectEqual(me.consent.personalization, { status: null, recorded_at: null }, "consent of the new visitor")
      const section = await sectionsAs({ headers: { "x-visitor-id": fresh } })
      expectEqual([section.variant?.name, section.products.map((p) => p.id)], ["Everyone", [fallback.id]], "the new visitor's section")
      expectEqual(ok(await anon("GET", "/store/personalization/offers", undefined, fresh), "GET offers"), { promotions: [], price_lists: [] }, "the new visitor's offers")
      const [{ profiles }] = await sql(`SELECT count(*)::int AS profiles FROM personalization_customer_profile WHERE visitor_id = $1`, [fresh])
      expectEqual(profiles, 0, "profiles for the new visitor id (SQL)")
      const still = ok(await ctx.store("GET", "/store/personalization/me", { token: shopper.token }), "GET /me as the customer")
      expectEqual(still.segments, [{ handle: segment.handle, name: segment.name }], "the account keeps its segment")
    })

    await step("sections without region_id use the store's default region (documented as optional)", async () => {
      const res = await ctx.store("GET", `/store/personalization/sections?placement=${placement.handle}`, { headers: { "x-visitor-id": ctx.unique("vid") } })
      const body = ok(res, "GET sections without region_id")
      expectEqual(body.region.id, ctx.demo.regionId, "the default region")
      expectEqual(body.sections[0].products.map((p) => p.id), [fallback.id], "the default section")
    })
  },
}
