// Issue #6, points 1-2: placements (admin), storefront sections priced for the region and the customer,
// segment offers and gating — over HTTP with the publishable key, as a storefront theme calls them.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, Modules, ProductStatus } from "@medusajs/framework/utils"
import {
  createCollectionsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
import { seedDemoStore } from "../../src/scripts/demo/seed"
import { adminHeaders } from "../helpers/auth"
import { getCart, openCart, placeOrder, registerShopper, waitFor, type Shopper } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import { createStep, createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { gatePriceListStep, gatePromotionStep } from "../../src/workflows/segments/gate-to-segment-steps"
import { createPlacementStep, createPlacementVariantsStep } from "../../src/workflows/placements/steps/placement-writes"

// Compensation checks: each write step followed by a step that fails, so the engine must undo the write.
const failStep = createStep("storefront-test-fail", async () => {
  throw new Error("boom after the write")
})
const gatePromotionThenFail = createWorkflow("storefront-test-gate-promotion-then-fail", (input: { promotion_id: string; group_id: string }) => {
  gatePromotionStep(input)
  failStep()
  return new WorkflowResponse(undefined)
})
const gatePriceListThenFail = createWorkflow("storefront-test-gate-price-list-then-fail", (input: { price_list_id: string; group_id: string }) => {
  gatePriceListStep(input)
  failStep()
  return new WorkflowResponse(undefined)
})
const createPlacementThenFail = createWorkflow("storefront-test-create-placement-then-fail", (input: { handle: string }) => {
  const placement = createPlacementStep({ handle: input.handle })
  createPlacementVariantsStep({ placement_id: placement.id, variants: [{ name: "A", content: { product_ids: [] } }] })
  failStep()
  return new WorkflowResponse(undefined)
})

jest.setTimeout(300_000)

const PLACEMENTS = "/admin/personalization/placements"
const SECTIONS = "/store/personalization/sections"
const OFFERS = "/store/personalization/offers"
const ok = { validateStatus: () => true }

type Product = { id: string; title: string; variants: { id: string; price: number }[] }

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let admin: Record<string, string>
    let pk: string
    let eurRegion: string
    let usdRegion: string
    let products: Product[] // demo products, published, in the key's sales channel
    let draftProductId: string
    let otherChannelProductId: string
    let collectionId: string
    let categoryId: string
    let categoryProductIds: string[]
    let gold: { id: string; customer_group_id: string; name: string; handle: string }
    let silver: { id: string; customer_group_id: string; name: string; handle: string }
    let goldShopper: Shopper
    let silverShopper: Shopper
    let plainShopper: Shopper
    let hero: { id: string; variants: { id: string; name: string }[] }

    const container = () => getContainer()
    const query = () => container().resolve(ContainerRegistrationKeys.QUERY)
    const guest = (visitor = "visitor-guest-0001") => ({ "x-publishable-api-key": pk, "x-visitor-id": visitor })
    const sections = (qs: string, headers: Record<string, string>) => api.get(`${SECTIONS}?${qs}`, { headers, ...ok })
    const adminPost = (url: string, body: unknown) => api.post(url, body, { headers: admin, ...ok })
    const adminGet = (url: string) => api.get(url, { headers: admin, ...ok })
    const adminDelete = (url: string) => api.delete(url, { headers: admin, ...ok })

    async function segment(handle: string, domain: string, isPublic: boolean) {
      const res = await adminPost("/admin/personalization/segments", {
        handle,
        name: `${handle} members`,
        rule_text: `email_domain = '${domain}'`,
        status: "active",
        is_public: isPublic,
      })
      expect(res.status).toBe(201)
      return res.data.segment
    }

    /** A registered shopper who granted consent, and is in the segment's managed group once the pipeline ran. */
    async function member(email: string, groupId: string | null) {
      const shopper = await registerShopper(api, pk, email)
      const res = await api.post("/store/personalization/consent", { purposes: { personalization: "granted" } }, { headers: shopper.headers })
      expect(res.status).toBe(200)
      if (groupId) {
        await waitFor(async () => {
          const links = await container()
            .resolve(Modules.CUSTOMER)
            .listCustomerGroupCustomers({ customer_id: shopper.customerId, customer_group_id: groupId })
          return links.length > 0
        }, `${email} in group ${groupId}`)
      }
      return shopper
    }

    async function variantPriceSet(variantId: string): Promise<string> {
      const { data } = await query().graph({ entity: "variant", fields: ["id", "price_set.id"], filters: { id: variantId } })
      return (data[0] as any).price_set.id
    }

    beforeAll(async () => {
      const c = container()
      const seeded = await seedDemoStore(c, { customers: 0, products: 8, admin: false, segments: false, log: () => {} })
      pk = seeded.publishableKey
      eurRegion = seeded.regionId!
      admin = (await adminHeaders(c)).headers

      const { data: rows } = await query().graph({
        entity: "product",
        fields: ["id", "title", "created_at", "variants.id", "variants.sku", "variants.prices.amount", "variants.prices.currency_code", "categories.id"],
      })
      products = rows
        .sort((a: any, b: any) => a.title.localeCompare(b.title))
        .map((p: any) => ({
          id: p.id,
          title: p.title,
          categories: p.categories,
          variants: p.variants.map((v: any) => ({
            id: v.id,
            price: Number(v.prices.find((x: any) => x.currency_code === "eur").amount),
          })),
        }))
      // the category with the most products, for a category section
      const byCategory = new Map<string, string[]>()
      for (const p of rows as any[]) for (const cat of p.categories) byCategory.set(cat.id, [...(byCategory.get(cat.id) ?? []), p.id])
      ;[categoryId, categoryProductIds] = [...byCategory.entries()].sort((a, b) => b[1].length - a[1].length)[0]

      // A second region in USD: the first product gets USD prices (the others have none there).
      const [store] = await c.resolve(Modules.STORE).listStores()
      await updateStoresWorkflow(c).run({
        input: {
          selector: { id: store.id },
          update: {
            supported_currencies: [{ currency_code: "eur", is_default: true }, { currency_code: "usd" }],
            default_region_id: eurRegion, // used when a call names no region_id
          },
        },
      })
      const { result: regions } = await createRegionsWorkflow(c).run({
        input: { regions: [{ name: "United States", currency_code: "usd", countries: ["us"] }] },
      })
      usdRegion = regions[0].id
      const pricing = c.resolve(Modules.PRICING)
      for (const v of products[0].variants) {
        await pricing.addPrices({ priceSetId: await variantPriceSet(v.id), prices: [{ amount: 1000 + v.price, currency_code: "usd" }] })
      }

      // An unpublished product in the key's channel, and a published one in another channel only.
      const [channel] = await c.resolve(Modules.SALES_CHANNEL).listSalesChannels({ name: "Default Sales Channel" })
      const { result: channels } = await createSalesChannelsWorkflow(c).run({ input: { salesChannelsData: [{ name: "Wholesale" }] } })
      const { result: extra } = await createProductsWorkflow(c).run({
        input: {
          products: [
            {
              title: "Draft Gadget",
              status: ProductStatus.DRAFT,
              sales_channels: [{ id: channel.id }],
              options: [{ title: "Size", values: ["One"] }],
              variants: [{ title: "One", options: { Size: "One" }, prices: [{ currency_code: "eur", amount: 10 }] }],
            },
            {
              title: "Wholesale Pallet",
              status: ProductStatus.PUBLISHED,
              sales_channels: [{ id: channels[0].id }],
              options: [{ title: "Size", values: ["One"] }],
              variants: [{ title: "One", options: { Size: "One" }, prices: [{ currency_code: "eur", amount: 10 }] }],
            },
          ],
        },
      })
      draftProductId = extra[0].id
      otherChannelProductId = extra[1].id

      const { result: collections } = await createCollectionsWorkflow(c).run({
        input: { collections: [{ title: "Featured", handle: "featured" }] },
      })
      collectionId = collections[0].id
      await c.resolve(Modules.PRODUCT).updateProducts(
        { id: [products[4].id, products[5].id, draftProductId] },
        { collection_id: collectionId }
      )

      gold = await segment("gold", "gold.example", true)
      silver = await segment("silver", "silver.example", false)
      goldShopper = await member("ann@gold.example", gold.customer_group_id)
      silverShopper = await member("bob@silver.example", silver.customer_group_id)
      plainShopper = await member("cy@plain.example", null)

      const created = await adminPost(PLACEMENTS, {
        handle: "home.hero",
        description: "Home page hero",
        variants: [
          {
            name: "Everyone",
            content: { title: "Welcome", image_url: "https://cdn.example/hero.jpg", product_ids: [products[0].id, products[1].id] },
          },
          {
            name: "Gold",
            segment_id: gold.id,
            priority: 10,
            content: {
              title: "Gold picks",
              subtitle: "Just for you",
              cta: { label: "Shop gold", href: "/gold" },
              product_ids: [products[3].id, draftProductId, products[2].id, otherChannelProductId],
            },
          },
          { name: "Silver", segment_id: silver.id, priority: 5, content: { title: "Silver", category_id: categoryId } },
        ],
      })
      expect(created.status).toBe(201)
      hero = created.data.placement
      const grid = await adminPost(PLACEMENTS, {
        handle: "home.grid",
        variants: [{ name: "Featured", content: { title: "Featured", collection_id: collectionId } }],
      })
      expect(grid.status).toBe(201)
    })

    const ids = (section: any) => section.products.map((p: any) => p.id)

    describe("admin placements", () => {
      it("creates with variants, lists with pagination and search, retrieves, updates and deletes", async () => {
        expect(hero.variants.map((v) => v.name)).toEqual(["Gold", "Silver", "Everyone"]) // priority order

        for (const h of ["pdp.cross-sell", "cart.upsell", "home.banner"]) {
          expect((await adminPost(PLACEMENTS, { handle: h })).status).toBe(201)
        }
        const page = await adminGet(`${PLACEMENTS}?limit=2&offset=1`)
        expect(page.status).toBe(200)
        expect(page.data).toMatchObject({ count: 5, limit: 2, offset: 1 })
        expect(page.data.placements.map((p: any) => p.handle)).toEqual(["home.banner", "home.grid"])
        const found = await adminGet(`${PLACEMENTS}?q=cross`)
        expect(found.data.placements.map((p: any) => p.handle)).toEqual(["pdp.cross-sell"])

        const one = await adminGet(`${PLACEMENTS}/${hero.id}`)
        expect(one.status).toBe(200)
        expect(one.data.placement).toMatchObject({ handle: "home.hero", description: "Home page hero" })
        expect(one.data.placement.variants).toHaveLength(3)

        const renamed = await adminPost(`${PLACEMENTS}/${hero.id}`, { handle: "home.hero-v2", description: null })
        expect(renamed.status).toBe(200)
        expect(renamed.data.placement).toMatchObject({ handle: "home.hero-v2", description: null })
        expect((await adminPost(`${PLACEMENTS}/${hero.id}`, { handle: "home.hero-v2" })).status).toBe(200) // no-op

        const deleted = await adminDelete(`${PLACEMENTS}/${hero.id}`)
        expect(deleted.data).toEqual({ id: hero.id, object: "placement", deleted: true })
        expect((await adminGet(`${PLACEMENTS}/${hero.id}`)).status).toBe(404)
        // the handle is free again
        expect((await adminPost(PLACEMENTS, { handle: "home.hero-v2" })).status).toBe(201)

        const audit = await sql<{ action: string; actor_type: string }>(
          container(),
          `SELECT action, actor_type FROM personalization_audit_log WHERE target_type = 'placement' ORDER BY at`
        )
        expect(audit.map((a) => a.action)).toEqual(
          expect.arrayContaining(["placement.created", "placement.updated", "placement.deleted"])
        )
        expect(audit.every((a) => a.actor_type === "user")).toBe(true)
        expect(audit.filter((a) => a.action === "placement.updated")).toHaveLength(1) // the no-op left no row
      })

      it("adds, changes and removes variants", async () => {
        const added = await adminPost(`${PLACEMENTS}/${hero.id}/variants`, {
          name: "Recommended",
          priority: 1,
          status: "draft",
          content: { recommendations: { strategy: "for_you", limit: 4 } },
        })
        expect(added.status).toBe(201)
        expect(added.data.variant).toMatchObject({
          name: "Recommended",
          segment_id: null,
          status: "draft",
          content: { recommendations: { strategy: "for_you", limit: 4 } },
        })
        expect(added.data.placement.variants).toHaveLength(4)

        const vid = added.data.variant.id
        const changed = await adminPost(`${PLACEMENTS}/${hero.id}/variants/${vid}`, {
          status: "active",
          segment_id: gold.id,
          content: { title: "Now targeted", collection_id: collectionId },
        })
        expect(changed.status).toBe(200)
        expect(changed.data.variant).toMatchObject({ status: "active", segment_id: gold.id, content: { title: "Now targeted", collection_id: collectionId } })

        const removed = await adminDelete(`${PLACEMENTS}/${hero.id}/variants/${vid}`)
        expect(removed.data).toEqual({ id: vid, object: "placement_variant", deleted: true })
        expect((await adminGet(`${PLACEMENTS}/${hero.id}`)).data.placement.variants).toHaveLength(3)

        const actions = await sql<{ action: string }>(
          container(),
          `SELECT action FROM personalization_audit_log WHERE target_id = $1 ORDER BY at`,
          [vid]
        )
        expect(actions.map((a) => a.action)).toEqual(["placement_variant.created", "placement_variant.updated", "placement_variant.deleted"])
      })

      it("refuses bad input with the field named, unknown ids with 404, a taken handle with 409 — and writes nothing", async () => {
        const before = await adminGet(PLACEMENTS)
        const cases: [unknown, number, RegExp][] = [
          [{ handle: "Home Hero" }, 400, /^handle: /],
          [{ handle: "home.x", colour: "red" }, 400, /colour: unknown field/],
          [{ handle: "home.hero" }, 409, /handle: a placement with handle 'home.hero' already exists/],
          [{ handle: "home.x", variants: [{ name: "A", content: { title: "no source" } }] }, 400, /^variants\.0\.content: exactly one of/],
          [
            { handle: "home.x", variants: [{ name: "A", content: { product_ids: ["p"], category_id: "c" } }] },
            400,
            /^variants\.0\.content: exactly one of .*\(got product_ids, category_id\)/,
          ],
          [
            { handle: "home.x", variants: [{ name: "A", content: { product_ids: [], cta: { label: "x", href: "javascript:alert(1)" } } }] },
            400,
            /^variants\.0\.content\.cta\.href: /,
          ],
          [{ handle: "home.x", variants: [{ name: "A", segment_id: "pseg_nope", content: { product_ids: [] } }] }, 400, /^variants\.0\.segment_id: segment 'pseg_nope' does not exist/],
          [
            { handle: "home.x", variants: [{ name: "A", content: { product_ids: [products[0].id, "prod_nope"] } }] },
            400,
            /^variants\.0\.content\.product_ids\.1: product 'prod_nope' does not exist/,
          ],
          [{ handle: "home.x", variants: [{ name: "A", content: { collection_id: "pcol_nope" } }] }, 400, /^variants\.0\.content\.collection_id: /],
          [{ handle: "home.x", variants: [{ name: "A", content: { category_id: "pcat_nope" } }] }, 400, /^variants\.0\.content\.category_id: /],
        ]
        for (const [body, status, message] of cases) {
          const res = await adminPost(PLACEMENTS, body)
          expect({ body, status: res.status }).toEqual({ body, status })
          expect(res.data.message).toMatch(message)
        }
        // nothing half-written: the same placements as before, no placement "home.x"
        expect((await adminGet(PLACEMENTS)).data.count).toBe(before.data.count)

        const variantBad = await adminPost(`${PLACEMENTS}/${hero.id}/variants`, { name: "X", segment_id: "pseg_nope", content: { product_ids: [] } })
        expect(variantBad.status).toBe(400)
        expect(variantBad.data.message).toMatch(/^segment_id: /)
        expect((await adminPost(`${PLACEMENTS}/pplc_nope/variants`, { name: "X", content: { product_ids: [] } })).status).toBe(404)
        expect((await adminPost(`${PLACEMENTS}/${hero.id}/variants/pvar_nope`, { name: "X" })).status).toBe(404)
        expect((await adminDelete(`${PLACEMENTS}/${hero.id}/variants/pvar_nope`)).status).toBe(404)
        expect((await adminPost(`${PLACEMENTS}/pplc_nope`, { description: "x" })).status).toBe(404)
        expect((await adminDelete(`${PLACEMENTS}/pplc_nope`)).status).toBe(404)
        const taken = await adminPost(`${PLACEMENTS}/${hero.id}`, { handle: "home.grid" })
        expect(taken.status).toBe(409)
        expect(taken.data.message).toMatch(/^handle: /)
        expect((await adminGet(`${PLACEMENTS}?limit=0`)).status).toBe(400)
      })
    })

    describe("GET /store/personalization/sections", () => {
      it("gives two customers in different segments different sections, and a guest the default", async () => {
        const goldRes = await sections(`placement=home.hero&region_id=${eurRegion}`, goldShopper.headers)
        expect(goldRes.status).toBe(200)
        const [g] = goldRes.data.sections
        expect(g).toMatchObject({
          placement: "home.hero",
          variant: { name: "Gold", targeted: true, segment: { handle: "gold", name: gold.name } },
          content: { title: "Gold picks", subtitle: "Just for you", image_url: null, cta: { label: "Shop gold", href: "/gold" } },
          source: { type: "product_ids" },
        })
        // requested order kept; the unpublished product and the one outside the key's channel are left out
        expect(ids(g)).toEqual([products[3].id, products[2].id])

        const silverRes = await sections(`placement=home.hero&region_id=${eurRegion}`, silverShopper.headers)
        const [s] = silverRes.data.sections
        expect(s.variant).toMatchObject({ name: "Silver", targeted: true, segment: null })
        expect(s.source).toEqual({ type: "category", category_id: categoryId })
        expect(ids(s).sort()).toEqual([...categoryProductIds].sort())
        // a non-public segment is never named
        const raw = JSON.stringify(silverRes.data)
        expect(raw).not.toContain(silver.id)
        expect(raw).not.toContain(silver.handle)
        expect(raw).not.toContain(silver.name)

        for (const headers of [guest(), { "x-publishable-api-key": pk }, plainShopper.headers]) {
          const res = await sections(`placement=home.hero`, headers)
          expect(res.status).toBe(200)
          expect(res.data.sections[0].variant).toMatchObject({ name: "Everyone", targeted: false, segment: null })
          expect(ids(res.data.sections[0])).toEqual([products[0].id, products[1].id])
          expect(res.data.region.id).toBe(eurRegion) // the store's default region when none is given
        }
      })

      it("returns several placements in the requested order; a collection section leaves out unpublished products", async () => {
        const res = await sections(`placement=home.grid,home.hero&limit=1`, guest())
        expect(res.status).toBe(200)
        expect(res.data.sections.map((s: any) => s.placement)).toEqual(["home.grid", "home.hero"])
        expect(res.data.missing).toEqual([])
        expect(res.data.sections[1].products).toHaveLength(1) // limit caps each section
        const all = await sections(`placement=home.grid`, guest())
        expect(ids(all.data.sections[0]).sort()).toEqual([products[4].id, products[5].id].sort())
      })

      it("prices products for the region", async () => {
        const eur = await sections(`placement=home.hero&region_id=${eurRegion}`, guest())
        const [first] = eur.data.sections[0].products
        expect(first.id).toBe(products[0].id)
        expect(first.variants[0].calculated_price).toMatchObject({
          currency_code: "eur",
          calculated_amount: products[0].variants[0].price,
        })
        const usd = await sections(`placement=home.hero&region_id=${usdRegion}`, guest())
        expect(usd.data.region).toEqual({ id: usdRegion, currency_code: "usd" })
        const [firstUsd, secondUsd] = usd.data.sections[0].products
        expect(firstUsd.variants[0].calculated_price).toMatchObject({
          currency_code: "usd",
          calculated_amount: 1000 + products[0].variants[0].price,
        })
        expect(secondUsd.variants[0].calculated_price).toBeNull() // no USD price for that one
      })

      it("shows a segment-gated price list's price to the member only", async () => {
        const target = products[3] // in the gold variant and in... the gold member's section
        const variant = target.variants[0]
        const [list] = await container().resolve(Modules.PRICING).createPriceLists([
          {
            title: "Gold prices",
            description: "Members of gold pay less",
            status: "active",
            type: "sale",
            prices: [{ amount: 1, currency_code: "eur", price_set_id: await variantPriceSet(variant.id) }],
          },
        ] as any)
        const gate = await adminPost(`/admin/personalization/segments/${gold.id}/gate`, { price_list_id: list.id })
        expect(gate.status).toBe(200)
        expect(gate.data.gate).toMatchObject({ changed: true, rule: { attribute: "customer.groups.id", operator: "in", values: [gold.customer_group_id] } })

        // the same product in a section each of them sees
        const put = await adminPost(`${PLACEMENTS}/${hero.id}/variants/${hero.variants.find((v) => v.name === "Everyone")!.id}`, {
          content: { title: "Welcome", product_ids: [target.id] },
        })
        expect(put.status).toBe(200)

        const priceFor = async (headers: Record<string, string>) => {
          const res = await sections(`placement=home.hero&region_id=${eurRegion}`, headers)
          const p = res.data.sections[0].products.find((x: any) => x.id === target.id)
          return p.variants.find((v: any) => v.id === variant.id).calculated_price
        }
        const member = await priceFor(goldShopper.headers)
        expect(member).toMatchObject({ calculated_amount: 1, original_amount: variant.price })
        expect(member.calculated_price.price_list_id).toBe(list.id)
        for (const headers of [plainShopper.headers, guest()]) {
          expect((await priceFor(headers)).calculated_amount).toBe(variant.price)
        }
      })

      it("fills a recommendations variant from the recommender, each product with its reason", async () => {
        const order = await placeOrder(api, plainShopper)
        const bought = order.items[0].product_id
        const created = await adminPost(PLACEMENTS, {
          handle: "home.popular",
          variants: [{ name: "Popular", content: { title: "Popular now", recommendations: { strategy: "popular", limit: 3 } } }],
        })
        expect(created.status).toBe(201)
        const res = await sections(`placement=home.popular&region_id=${eurRegion}`, guest("visitor-popular-01"))
        expect(res.status).toBe(200)
        const [section] = res.data.sections
        expect(section.source).toEqual({ type: "recommendations", strategy: "popular", limit: 3 })
        expect(section.products[0]).toMatchObject({ id: bought, reason: "popular" })
        expect(section.products[0].variants[0].calculated_price.currency_code).toBe("eur")
        expect(section.products.length).toBeLessThanOrEqual(3)
      })

      it("an unknown handle among several never blanks the page: known placements answered, unknown ones in missing; 404 only when none is known", async () => {
        // the allowed side first: every handle known → all answered, nothing missing
        const known = await sections(`placement=home.hero,home.grid`, guest())
        expect(known.status).toBe(200)
        expect(known.data.sections.map((s: any) => s.placement)).toEqual(["home.hero", "home.grid"])
        expect(known.data.missing).toEqual([])

        // one stale handle between two known ones (the page of issue #16): the known sections are exactly what they
        // are without it, in the order asked; the unknown handles are named in `missing`, in the order asked
        const mixed = await sections(`placement=home.nope,home.hero,x.y,home.grid,home.nope`, guest())
        expect(mixed.status).toBe(200)
        expect(mixed.data.missing).toEqual(["home.nope", "x.y"])
        expect(mixed.data.sections).toEqual(known.data.sections)
        expect(mixed.data.region).toEqual(known.data.region)

        // none known → 404 naming each
        const none = await sections(`placement=home.nope,x.y`, guest())
        expect(none.status).toBe(404)
        expect(none.data.message).toBe("placement: no placement with handle 'home.nope', 'x.y'")
      })

      it("refuses bad input naming the field", async () => {
        const cases: [string, Record<string, string>, number, RegExp][] = [
          ["placement=home.nope", guest(), 404, /placement: no placement with handle 'home.nope'/],
          ["placement=home.hero&limit=0", guest(), 400, /^limit: /],
          ["placement=home.hero&limit=51", guest(), 400, /^limit: /],
          ["placement=home.hero&region_id=reg_nope", guest(), 400, /^region_id: region 'reg_nope' does not exist/],
          ["region_id=x", guest(), 400, /^placement: /],
          ["placement=Home Hero", guest(), 400, /^placement\.0: /],
          ["placement=home.hero&colour=red", guest(), 400, /colour: unknown field/],
          ["placement=home.hero", { "x-publishable-api-key": pk, "x-visitor-id": "bad id!" }, 400, /^x-visitor-id: /],
        ]
        for (const [qs, headers, status, message] of cases) {
          const res = await sections(qs, headers)
          expect({ qs, status: res.status }).toEqual({ qs, status })
          expect(res.data.message).toMatch(message)
        }
        expect((await api.get(`${SECTIONS}?placement=home.hero`, ok)).status).toBe(400) // no publishable key
      })

      it("degrades instead of failing when personalization data cannot be read", async () => {
        const rename = (from: string, to: string) => sql(container(), `ALTER TABLE ${from} RENAME TO ${to}`)
        // profiles unreadable: the member gets the default content and no offers, with a 200
        await rename("personalization_customer_profile", "personalization_customer_profile_off")
        try {
          const res = await sections(`placement=home.hero`, goldShopper.headers)
          expect(res.status).toBe(200)
          expect(res.data.sections[0].variant).toMatchObject({ name: "Everyone", targeted: false })
          expect(ids(res.data.sections[0])).toEqual([products[0].id, products[1].id])
          const offers = await api.get(OFFERS, { headers: goldShopper.headers, ...ok })
          expect(offers.status).toBe(200)
          expect(offers.data).toEqual({ promotions: [], price_lists: [] })
        } finally {
          await rename("personalization_customer_profile_off", "personalization_customer_profile")
        }

        // placements unreadable: every requested section comes back empty
        await rename("personalization_placement_variant", "personalization_placement_variant_off")
        try {
          const res = await sections(`placement=home.hero,home.grid`, guest())
          expect(res.status).toBe(200)
          expect(res.data.sections).toEqual([
            { placement: "home.hero", variant: null, content: null, source: null, products: [] },
            { placement: "home.grid", variant: null, content: null, source: null, products: [] },
          ])
          expect(res.data.missing).toEqual([]) // nothing is known to be missing when placements cannot be read
        } finally {
          await rename("personalization_placement_variant_off", "personalization_placement_variant")
        }

        // a variant whose stored content was corrupted by hand: that section is empty
        await sql(container(), `UPDATE personalization_placement_variant SET content = '{"bogus": true}'::jsonb WHERE placement_id = $1`, [hero.id])
        const res = await sections(`placement=home.hero`, goldShopper.headers)
        expect(res.status).toBe(200)
        expect(res.data.sections[0]).toMatchObject({ placement: "home.hero", variant: null, products: [] })
      })
    })

    describe("offers and gating", () => {
      async function promotion(code: string, rules: { attribute: string; operator: "in"; values: string[] }[] = []) {
        return container()
          .resolve(Modules.PROMOTION)
          .createPromotions({
            code,
            type: "standard",
            status: "active",
            is_automatic: true,
            application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
            rules,
          })
      }

      it("a member sees what their public segment unlocks, a non-member sees none, and the promotion applies to the member's cart", async () => {
        const promo = await promotion("GOLD10")
        const gate = await adminPost(`/admin/personalization/segments/${gold.id}/gate`, { promotion_id: promo.id })
        expect(gate.status).toBe(200)
        expect(gate.data.gate).toEqual({
          segment_id: gold.id,
          customer_group_id: gold.customer_group_id,
          promotion_id: promo.id,
          price_list_id: null,
          changed: true,
          rule: { attribute: "customer.groups.id", operator: "in", values: [gold.customer_group_id] },
        })
        const [list] = await container().resolve(Modules.PRICING).createPriceLists([
          {
            title: "Gold prices",
            description: "Members pay less",
            status: "active",
            type: "sale",
            prices: [{ amount: 1, currency_code: "eur", price_set_id: await variantPriceSet(products[2].variants[0].id) }],
          },
        ] as any)
        expect((await adminPost(`/admin/personalization/segments/${gold.id}/gate`, { price_list_id: list.id })).status).toBe(200)
        // an offer gated on a non-public segment is never listed, not even to its members
        const hidden = await promotion("SILVER5")
        expect((await adminPost(`/admin/personalization/segments/${silver.id}/gate`, { promotion_id: hidden.id })).status).toBe(200)

        const mine = await api.get(OFFERS, { headers: goldShopper.headers })
        expect(mine.data.promotions).toEqual([
          {
            id: promo.id,
            code: "GOLD10",
            is_automatic: true,
            type: "percentage",
            value: 10,
            currency_code: "eur",
            target_type: "order",
            starts_at: null,
            ends_at: null,
            segments: [{ handle: "gold", name: gold.name }],
          },
        ])
        expect(mine.data.price_lists).toEqual([
          expect.objectContaining({ id: list.id, title: "Gold prices", type: "sale", product_count: 1, segments: [{ handle: "gold", name: gold.name }] }),
        ])
        for (const headers of [silverShopper.headers, plainShopper.headers, guest(), { "x-publishable-api-key": pk }]) {
          const res = await api.get(OFFERS, { headers })
          expect(res.data).toEqual({ promotions: [], price_lists: [] })
        }

        // the promotion really applies: to the member's cart, not to the non-member's
        const memberCart = await getCart(api, goldShopper, await openCart(api, goldShopper))
        expect((memberCart.promotions ?? []).map((p: any) => p.code)).toContain("GOLD10")
        expect(Number(memberCart.discount_total)).toBeGreaterThan(0)
        const otherCart = await getCart(api, plainShopper, await openCart(api, plainShopper))
        expect((otherCart.promotions ?? []).map((p: any) => p.code)).not.toContain("GOLD10")
      })

      it("re-prices members' open carts when a promotion is gated", async () => {
        const cartId = await openCart(api, goldShopper)
        const promo = await promotion("LATE10", [{ attribute: "customer.groups.id", operator: "in", values: ["cusgroup_nobody"] }])
        expect((await getCart(api, goldShopper, cartId)).promotions.map((p: any) => p.code)).not.toContain("LATE10")
        const gate = await adminPost(`/admin/personalization/segments/${gold.id}/gate`, { promotion_id: promo.id })
        // merged into the existing group rule: the other group still qualifies
        expect(gate.data.gate.rule.values.sort()).toEqual(["cusgroup_nobody", gold.customer_group_id].sort())
        expect((await getCart(api, goldShopper, cartId)).promotions.map((p: any) => p.code)).toContain("LATE10")
        const rules = await container().resolve(Modules.PROMOTION).listPromotionRules({ attribute: "customer.groups.id" } as any, { relations: ["values", "promotions"] })
        const mineRules = rules.filter((r: any) => r.promotions.some((p: any) => p.id === promo.id))
        expect(mineRules).toHaveLength(1) // one rule, not two
      })

      it("compensation undoes exactly what gating and placement creation wrote", async () => {
        const promotions = container().resolve(Modules.PROMOTION)
        const pricing = container().resolve(Modules.PRICING)
        const groupRules = async (promotionId: string) =>
          (await promotions.listPromotions({ id: promotionId }, { relations: ["rules", "rules.values"] }))[0].rules!
            .filter((r: any) => r.attribute === "customer.groups.id")
            .map((r: any) => ({ operator: r.operator, values: r.values.map((v: any) => v.value).sort() }))
        const listRule = async (listId: string) =>
          (await pricing.listPriceListRules({ price_list_id: listId } as any)).find((r: any) => r.attribute === "customer.groups.id")

        const bare = await promotion("BARE10")
        const shared = await promotion("SHARED10", [{ attribute: "customer.groups.id", operator: "in", values: ["cusgroup_other"] }])
        for (const p of [bare, shared]) {
          const { errors } = await gatePromotionThenFail(container()).run({
            input: { promotion_id: p.id, group_id: gold.customer_group_id },
            throwOnError: false,
          })
          expect(errors.map((e: any) => e.error.message)).toContain("boom after the write")
        }
        expect(await groupRules(bare.id)).toEqual([]) // the added rule is gone
        expect(await groupRules(shared.id)).toEqual([{ operator: "in", values: ["cusgroup_other"] }]) // the value is gone

        const priceSet = await variantPriceSet(products[1].variants[0].id)
        const [plain, gatedElsewhere] = await pricing.createPriceLists([
          { title: "Plain", description: "x", status: "active", type: "sale", prices: [{ amount: 1, currency_code: "eur", price_set_id: priceSet }] },
          {
            title: "Elsewhere",
            description: "x",
            status: "active",
            type: "sale",
            rules: { "customer.groups.id": ["cusgroup_other"] },
            prices: [{ amount: 2, currency_code: "eur", price_set_id: priceSet }],
          },
        ] as any)
        for (const l of [plain, gatedElsewhere]) {
          await gatePriceListThenFail(container()).run({ input: { price_list_id: l.id, group_id: gold.customer_group_id }, throwOnError: false })
        }
        expect(await listRule(plain.id)).toBeUndefined()
        expect((await listRule(gatedElsewhere.id))?.value).toEqual(["cusgroup_other"])

        await createPlacementThenFail(container()).run({ input: { handle: "home.doomed" }, throwOnError: false })
        expect((await adminGet(`${PLACEMENTS}?q=doomed`)).data.count).toBe(0)
        const left = await sql(container(), `SELECT id FROM personalization_placement WHERE handle = 'home.doomed'`)
        expect(left).toHaveLength(0)
      })

      it("gating is idempotent, audited, and refuses unknown ids and bad bodies", async () => {
        const promo = await promotion("ONCE10")
        const first = await adminPost(`/admin/personalization/segments/${gold.id}/gate`, { promotion_id: promo.id })
        const second = await adminPost(`/admin/personalization/segments/${gold.id}/gate`, { promotion_id: promo.id })
        expect([first.data.gate.changed, second.data.gate.changed]).toEqual([true, false])
        const audit = await sql<{ details: any }>(
          container(),
          `SELECT details FROM personalization_audit_log WHERE action = 'segment.gated' AND target_id = $1`,
          [gold.id]
        )
        expect(audit).toHaveLength(1)
        expect(audit[0].details).toMatchObject({ promotion_id: promo.id, customer_group_id: gold.customer_group_id })

        const cases: [string, unknown, number, RegExp][] = [
          [gold.id, { promotion_id: "promo_nope" }, 404, /^promotion_id: promotion 'promo_nope' was not found/],
          [gold.id, { price_list_id: "plist_nope" }, 404, /^price_list_id: price list 'plist_nope' was not found/],
          [gold.id, {}, 400, /^promotion_id: exactly one of promotion_id or price_list_id/],
          [gold.id, { promotion_id: promo.id, price_list_id: "x" }, 400, /^promotion_id: exactly one/],
          [gold.id, { promotion_id: promo.id, extra: 1 }, 400, /extra: unknown field/],
          ["pseg_nope", { promotion_id: promo.id }, 404, /pseg_nope/],
        ]
        for (const [segmentId, body, status, message] of cases) {
          const res = await adminPost(`/admin/personalization/segments/${segmentId}/gate`, body)
          expect({ body, status: res.status }).toEqual({ body, status })
          expect(res.data.message).toMatch(message)
        }
      })
    })
  },
})
