import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { adminHeaders } from "../helpers/auth"
import { createStep, createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type PersonalizationModuleService from "../../src/modules/personalization/service"
import { importSegmentsWorkflow, type ImportSegmentsInput } from "../../src/workflows/segments/import-segments"

jest.setTimeout(240_000)

// The import followed by a step that fails: the workflow engine compensates the import.
const failAfterImportStep = createStep("test-fail-after-segment-import", async () => {
  throw new Error("a later step failed")
})
const importThenFailWorkflow = createWorkflow("test-segment-import-then-fail", (input: ImportSegmentsInput) => {
  const result = importSegmentsWorkflow.runAsStep({ input })
  failAfterImportStep()
  return new WorkflowResponse(result)
})

const BASE = "/admin/personalization/segments"

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let headers: Record<string, string>

    beforeAll(async () => {
      headers = (await adminHeaders(getContainer())).headers
    })

    const post = (url: string, body: unknown) => api.post(url, body, { headers, validateStatus: () => true })
    const get = (url: string) => api.get(url, { headers, validateStatus: () => true })
    const del = (url: string) => api.delete(url, { headers, validateStatus: () => true })

    async function create(body: Record<string, unknown>) {
      const res = await post(BASE, body)
      expect(res.status).toBe(201)
      return res.data.segment
    }

    const service = (): PersonalizationModuleService => getContainer().resolve("personalization")

    async function seedStore() {
      const vip = await create({ handle: "vip", name: "VIP", rule_text: "total_spent >= 500", status: "active", is_public: true })
      await create({ handle: "at-risk-vip", name: "VIP at risk", rule_text: "segment('vip') AND last_order_at < -90d", description: "win back" })
      await create({ handle: "browsers", name: "Browsers", rule_text: "event('product_viewed').count(last 7d) >= 3", purpose: "marketing" })
      const products = getContainer().resolve(Modules.PRODUCT)
      const [product, boot] = await products.createProducts([
        { title: "Sneaker", handle: "sneaker" },
        { title: "Boot", handle: "boot" },
      ])
      const [collection] = await products.createProductCollections([{ title: "Summer", handle: "summer" }])
      const [category] = await products.createProductCategories([{ name: "Shoes", handle: "shoes" }])
      const [placement, crossSell] = await service().createPlacements([
        { handle: "home-hero", description: "Home page hero" },
        { handle: "pdp.cross-sell", description: null },
      ])
      await service().createPlacementVariants([
        { name: "default", segment_id: null, priority: 0, content: { title: "Welcome", recommendations: { strategy: "popular", limit: 8 } }, placement_id: placement.id },
        { name: "vip", segment_id: vip.id, priority: 10, content: { title: "Hello VIP", cta: { label: "Shop", href: "/vip" }, collection_id: collection.id }, placement_id: placement.id },
        { name: "vip-picks", segment_id: vip.id, priority: 5, content: { title: "Picks", product_ids: [product.id, "prod_gone"] }, placement_id: placement.id },
        { name: "shoes", segment_id: null, priority: 0, content: { category_id: category.id }, placement_id: crossSell.id },
      ] as never)
      return { vip, product, boot, collection, category, placement, crossSell }
    }

    /** Every live placement with its variants (ids resolved back to handles), for "nothing written" checks. */
    async function placementRows() {
      const placements = await service().listPlacements({}, { select: ["id", "handle", "description"], take: null })
      const variants = await service().listPlacementVariants({}, { select: ["id", "name", "segment_id", "priority", "status", "content", "placement_id"], take: null })
      return { placements: placements.length, variants: variants.map((v) => JSON.stringify(v)).sort() }
    }

    const auditCount = async () => (await get("/admin/personalization/audit?target_type=segment&limit=1")).data.count as number

    it("exports every segment and placement in a stable order with no store-specific ids", async () => {
      const { vip, product, collection, category } = await seedStore()
      const res = await get(`${BASE}/export`)
      expect(res.status).toBe(200)
      const doc = res.data
      expect(doc).toMatchObject({ format: "medusa-personalization/segments", version: 1 })
      expect(doc.segments.map((s: { handle: string }) => s.handle)).toEqual(["at-risk-vip", "browsers", "vip"])
      expect(doc.segments[0]).toEqual({
        handle: "at-risk-vip",
        name: "VIP at risk",
        description: "win back",
        status: "draft",
        purpose: "personalization",
        is_public: false,
        rule_text: "segment('vip') AND last_order_at < -90d",
        rule: expect.objectContaining({ type: "and" }),
      })
      expect(doc.placements).toEqual([
        {
          handle: "home-hero",
          description: "Home page hero",
          variants: [
            {
              name: "vip",
              segment: "vip",
              priority: 10,
              status: "active",
              content: { collection_handle: "summer", cta: { href: "/vip", label: "Shop" }, title: "Hello VIP" },
            },
            // Products by handle, not by this store's ids (an id that no longer resolves is named as missing).
            {
              name: "vip-picks",
              segment: "vip",
              priority: 5,
              status: "active",
              content: { missing_product_ids: ["prod_gone"], product_handles: ["sneaker"], title: "Picks" },
            },
            {
              name: "default",
              segment: null,
              priority: 0,
              status: "active",
              content: { recommendations: { limit: 8, strategy: "popular" }, title: "Welcome" },
            },
          ],
        },
        {
          handle: "pdp.cross-sell",
          description: null,
          variants: [{ name: "shoes", segment: null, priority: 0, status: "active", content: { category_handle: "shoes" } }],
        },
      ])
      const text = JSON.stringify(doc)
      // No store-specific ids anywhere: segments are referenced by handle.
      expect(text).not.toContain(vip.id)
      expect(text).not.toContain(vip.customer_group_id)
      expect(text).not.toContain(product.id)
      expect(text).not.toContain(collection.id)
      expect(text).not.toContain(category.id)
      expect(text).not.toMatch(/"(id|customer_group_id|segment_id|member_count|created_at|updated_at|last_refreshed_at)"/)
      for (const s of doc.segments)
        expect(Object.keys(s).sort()).toEqual(["description", "handle", "is_public", "name", "purpose", "rule", "rule_text", "status"])
      // The same store exports the same text.
      expect(JSON.stringify((await get(`${BASE}/export`)).data)).toBe(text)
    })

    it("dry run shows created / changed / unchanged and writes nothing; applying writes through the workflows", async () => {
      await seedStore()
      const doc = (await get(`${BASE}/export`)).data
      const before = await auditCount()

      const same = await post(`${BASE}/import`, { ...doc, dry_run: true })
      expect(same.status).toBe(200)
      expect(same.data.segments).toEqual({ created: [], changed: [], unchanged: ["at-risk-vip", "browsers", "vip"] })
      // Round trip: placements and their variants too (compared by handle, so the missing product id is no change).
      expect(same.data.placements).toEqual({ created: [], changed: [], unchanged: ["home-hero", "pdp.cross-sell"] })
      expect(same.data.notes).toEqual([])

      const edited = {
        ...doc,
        placements: undefined,
        segments: [
          // New segments, one referencing the other (listed first, so creation must be ordered referenced-first).
          { handle: "lapsed-loyal", name: "Lapsed loyal", rule_text: "segment('loyal') AND last_order_at < -180d" },
          { handle: "loyal", name: "Loyal", rule: { type: "trait", trait: "orders_count", op: ">=", value: 5 }, status: "active" },
          ...doc.segments.map((s: Record<string, unknown>) =>
            s.handle === "vip" ? { ...s, rule_text: "total_spent >= 1000", rule: undefined, name: "VIP 1000" } : s
          ),
        ],
      }
      const plan = await post(`${BASE}/import`, { ...edited, dry_run: true })
      expect(plan.status).toBe(200)
      expect(plan.data).toEqual({
        dry_run: true,
        segments: {
          created: ["lapsed-loyal", "loyal"],
          changed: [{ handle: "vip", fields: ["name", "rule"] }],
          unchanged: ["at-risk-vip", "browsers"],
        },
        placements: { created: [], changed: [], unchanged: [] },
        notes: [],
      })
      // Nothing was written by the dry runs.
      expect((await get(`${BASE}?limit=100`)).data.count).toBe(3)
      expect(await auditCount()).toBe(before)

      const applied = await post(`${BASE}/import`, edited)
      expect(applied.status).toBe(200)
      expect(applied.data).toEqual({ ...plan.data, dry_run: false })

      const list = (await get(`${BASE}?limit=100&order=handle`)).data.segments
      const byHandle = Object.fromEntries(list.map((s: { handle: string }) => [s.handle, s]))
      expect(Object.keys(byHandle)).toEqual(["at-risk-vip", "browsers", "lapsed-loyal", "loyal", "vip"])
      expect(byHandle.vip).toMatchObject({ name: "VIP 1000", rule_text: "total_spent >= 1000", version: 2 })
      expect(byHandle.loyal).toMatchObject({ status: "active", rule_text: "orders_count >= 5" })
      // Created through the create workflow: each has its managed customer group.
      expect(byHandle["lapsed-loyal"].customer_group_id).toBeTruthy()
      // Audited like any admin change: 2 created + 1 updated.
      expect(await auditCount()).toBe(before + 3)

      // Importing the same document again changes nothing.
      const again = await post(`${BASE}/import`, { ...edited, dry_run: true })
      expect(again.data.segments).toEqual({
        created: [],
        changed: [],
        unchanged: ["at-risk-vip", "browsers", "lapsed-loyal", "loyal", "vip"],
      })
    })

    it("moves segments and placements between stores: export, start empty, import, export again gives the same document", async () => {
      await seedStore()
      const doc = (await get(`${BASE}/export`)).data
      // "Another store": remove every placement, then every segment (dependents first).
      for (const p of await service().listPlacements({}, { select: ["id"], take: null }))
        expect((await del(`/admin/personalization/placements/${p.id}`)).status).toBe(200)
      for (const handle of ["at-risk-vip", "browsers", "vip"]) {
        const [s] = (await get(`${BASE}?q=${handle}`)).data.segments.filter((x: { handle: string }) => x.handle === handle)
        expect((await del(`${BASE}/${s.id}`)).status).toBe(200)
      }
      const empty = await placementRows()
      expect(empty).toEqual({ placements: 0, variants: [] })

      // The exported product id that no longer resolved cannot be imported: a 400 naming it, nothing written.
      const gone = await post(`${BASE}/import`, doc)
      expect(gone.status).toBe(400)
      expect(gone.data.message).toMatch(/^placements\.0\.variants\.1\.content\.missing_product_ids: .*prod_gone/)
      expect((await get(`${BASE}?limit=100`)).data.count).toBe(0)
      expect(await placementRows()).toEqual(empty)

      const portable = structuredClone(doc)
      delete portable.placements[0].variants[1].content.missing_product_ids
      const plan = await post(`${BASE}/import`, { ...portable, dry_run: true })
      expect(plan.status).toBe(200)
      expect(plan.data.placements).toEqual({
        created: [
          { handle: "home-hero", variants: ["vip", "vip-picks", "default"] },
          { handle: "pdp.cross-sell", variants: ["shoes"] },
        ],
        changed: [],
        unchanged: [],
      })
      expect(await placementRows()).toEqual(empty)

      const res = await post(`${BASE}/import`, portable)
      expect(res.status).toBe(200)
      expect(res.data.segments.created).toEqual(["at-risk-vip", "browsers", "vip"])
      expect(res.data.placements).toEqual(plan.data.placements)
      const after = (await get(`${BASE}/export`)).data
      expect(after.segments).toEqual(doc.segments)
      expect(after.placements).toEqual(portable.placements)
      // The variants point at the new segments by id.
      const vip = (await get(`${BASE}?q=vip`)).data.segments.find((x: { handle: string }) => x.handle === "vip")
      const variants = await service().listPlacementVariants({ name: ["vip", "vip-picks"] }, { select: ["segment_id"], take: null })
      expect(variants.map((v) => v.segment_id)).toEqual([vip.id, vip.id])
      // And importing it again is a no-op.
      const again = await post(`${BASE}/import`, { ...portable, dry_run: true })
      expect(again.data.placements).toEqual({ created: [], changed: [], unchanged: ["home-hero", "pdp.cross-sell"] })
    })

    it("a changed variant is reported changed and applied through the placement workflows", async () => {
      const { boot } = await seedStore()
      const doc = (await get(`${BASE}/export`)).data
      const before = await placementRows()
      const audit = async () => (await get("/admin/personalization/audit?limit=1")).data.count as number
      const audited = await audit()
      const edited = structuredClone(doc)
      const hero = edited.placements[0]
      // Changed variant: new title and priority, now for the (new) loyal segment.
      hero.variants[0] = { ...hero.variants[0], priority: 20, segment: "loyal", content: { ...hero.variants[0].content, title: "Hi VIP" } }
      // New variant naming a product by handle; placement description changed.
      hero.variants.splice(2, 0, { name: "boots", segment: "browsers", priority: 3, status: "draft", content: { product_handles: ["boot"] } })
      // Only the priority of the variant whose exported content names a missing product: its content is left as it is.
      hero.variants[1].priority = 6
      edited.placements[1].description = "Under the product"
      edited.segments.push({ handle: "loyal", name: "Loyal", rule_text: "orders_count >= 5" })

      const plan = await post(`${BASE}/import`, { ...edited, dry_run: true })
      expect(plan.status).toBe(200)
      expect(plan.data.segments.created).toEqual(["loyal"])
      expect(plan.data.placements).toEqual({
        created: [],
        changed: [
          {
            handle: "home-hero",
            fields: ["variants"],
            variants: { created: ["boots"], changed: [
                { name: "vip", fields: ["segment", "priority", "content"] },
                { name: "vip-picks", fields: ["priority"] },
              ],
              unchanged: ["default"],
            },
          },
          { handle: "pdp.cross-sell", fields: ["description"], variants: { created: [], changed: [], unchanged: ["shoes"] } },
        ],
        unchanged: [],
      })
      expect(await placementRows()).toEqual(before)
      expect(await audit()).toBe(audited)

      const applied = await post(`${BASE}/import`, edited)
      expect(applied.status).toBe(200)
      expect(applied.data.placements).toEqual(plan.data.placements)
      const loyal = (await get(`${BASE}?q=loyal`)).data.segments.find((x: { handle: string }) => x.handle === "loyal")
      const [vipVariant] = await service().listPlacementVariants({ name: "vip" }, { take: 1 })
      expect(vipVariant).toMatchObject({ priority: 20, segment_id: loyal.id, content: expect.objectContaining({ title: "Hi VIP" }) })
      const [boots] = await service().listPlacementVariants({ name: "boots" }, { take: 1 })
      expect(boots).toMatchObject({ status: "draft", priority: 3, content: { product_ids: [boot.id] } })
      const [picks] = await service().listPlacementVariants({ name: "vip-picks" }, { take: 1 })
      expect(picks).toMatchObject({ priority: 6, content: { title: "Picks", product_ids: [expect.any(String), "prod_gone"] } })
      // Through the workflows: audited (1 segment created, 2 variants updated, 1 variant created, 1 placement updated).
      expect(await audit()).toBe(audited + 5)
      expect((await get(`${BASE}/export`)).data.placements).toEqual(edited.placements)
      const again = await post(`${BASE}/import`, { ...edited, dry_run: true })
      expect(again.data.placements.unchanged).toEqual(["home-hero", "pdp.cross-sell"])
    })

    it("undoes the placements and segments it applied when a later step fails", async () => {
      await seedStore()
      const doc = (await get(`${BASE}/export`)).data
      const before = await placementRows()
      const edited = structuredClone(doc)
      edited.segments.push({ handle: "loyal", name: "Loyal", rule_text: "orders_count >= 5" })
      edited.segments = edited.segments.map((x: { handle: string }) => (x.handle === "vip" ? { ...x, name: "VIP renamed" } : x))
      edited.placements[0].variants[0].priority = 20
      edited.placements[0].variants.push({ name: "loyal", segment: "loyal", priority: -1, content: { product_handles: ["boot"] } })
      edited.placements[1].description = "Under the product"
      edited.placements.push({ handle: "cart.upsell", variants: [{ name: "all", segment: "loyal", content: { recommendations: { strategy: "cart", limit: 4 } } }] })

      const { errors } = await importThenFailWorkflow(getContainer()).run({ input: edited, throwOnError: false })
      expect(errors.map((e) => e.error?.message)).toEqual(["a later step failed"])
      // Everything is back: the same export, the same variant rows, no loyal segment, no cart.upsell.
      expect((await get(`${BASE}/export`)).data).toEqual(doc)
      expect(await placementRows()).toEqual(before)
      expect((await get(`${BASE}?limit=100`)).data.count).toBe(3)
    })

    it("an unknown product / collection / category / segment handle is a 400 naming the path, and nothing is written", async () => {
      await seedStore()
      const doc = (await get(`${BASE}/export`)).data
      delete doc.placements[0].variants[1].content.missing_product_ids
      const before = await placementRows()
      const segmentsBefore = (await get(`${BASE}?limit=100`)).data.count
      const withNew = (mutate: (d: typeof doc) => void) => {
        const d = structuredClone(doc)
        // A new segment and a new placement in the same document: neither may be written.
        d.segments.push({ handle: "loyal", name: "Loyal", rule_text: "orders_count >= 5" })
        d.placements.push({ handle: "cart.upsell", variants: [{ name: "all", content: { recommendations: { strategy: "cart", limit: 4 } } }] })
        mutate(d)
        return d
      }
      const cases: [(d: typeof doc) => void, RegExp][] = [
        [(d) => (d.placements[0].variants[1].content.product_handles = ["sneaker", "boot", "no-such-shoe"]), /^placements\.0\.variants\.1\.content\.product_handles\.2: product 'no-such-shoe' does not exist/],
        [(d) => (d.placements[0].variants[0].content.collection_handle = "winter"), /^placements\.0\.variants\.0\.content\.collection_handle: collection 'winter' does not exist/],
        [(d) => (d.placements[1].variants[0].content.category_handle = "hats"), /^placements\.1\.variants\.0\.content\.category_handle: category 'hats' does not exist/],
        [(d) => (d.placements[2].variants[0].segment = "nobody"), /^placements\.2\.variants\.0\.segment: segment 'nobody' does not exist/],
        [(d) => (d.placements[2].variants[0].content = { title: "no source" }), /^placements\.2\.variants\.0\.content: exactly one of/],
        [(d) => (d.placements[0].variants[2].content.cta = { label: "x", href: "javascript:alert(1)" }), /^placements\.0\.variants\.2\.content\.cta\.href: /],
        [(d) => d.placements[0].variants.push({ ...d.placements[0].variants[0] }), /^placements\.0\.variants\.3\.name: duplicate variant name 'vip'/],
      ]
      for (const [mutate, message] of cases) {
        for (const dry_run of [true, false]) {
          const res = await post(`${BASE}/import`, { ...withNew(mutate), dry_run })
          expect(res.status).toBe(400)
          expect(res.data.message).toMatch(message)
        }
      }
      expect(await placementRows()).toEqual(before)
      expect((await get(`${BASE}?limit=100`)).data.count).toBe(segmentsBefore)
      // The same document without the bad handle goes through.
      const ok = await post(`${BASE}/import`, withNew(() => undefined))
      expect(ok.status).toBe(200)
      expect(ok.data.placements.created).toEqual([{ handle: "cart.upsell", variants: ["all"] }])
    })

    it("rejects a bad document with a 400 naming the field, before writing anything", async () => {
      await seedStore()
      const ok = { handle: "fine", name: "Fine", rule_text: "orders_count >= 1" }

      const syntax = await post(`${BASE}/import`, { segments: [ok, { handle: "broken", name: "Broken", rule_text: "orders_count >=" }] })
      expect(syntax.status).toBe(400)
      expect(syntax.data.message).toMatch(/^segments\.1\.rule_text: .*1:\d+/)

      const unknownRef = await post(`${BASE}/import`, { segments: [ok, { handle: "orphan", name: "Orphan", rule_text: "segment('nope')" }] })
      expect(unknownRef.status).toBe(400)
      expect(unknownRef.data.message).toBe("segments.1.rule_text: unknown segment 'nope'")

      const unknownTrait = await post(`${BASE}/import`, { segments: [{ handle: "shoes", name: "Shoes", rule: { type: "trait", trait: "shoe_size", op: "=", value: 1 } }] })
      expect(unknownTrait.status).toBe(400)
      expect(unknownTrait.data.message).toMatch(/^segments\.0\.rule\.trait: unknown trait 'shoe_size'/)

      const cycle = await post(`${BASE}/import`, {
        segments: [
          { handle: "vip", name: "VIP", rule_text: "segment('at-risk-vip')" },
        ],
      })
      expect(cycle.status).toBe(400)
      expect(cycle.data.message).toMatch(/^segments\.0\.rule_text: segment references form a cycle/)

      const dup = await post(`${BASE}/import`, { segments: [ok, ok] })
      expect(dup.status).toBe(400)
      expect(dup.data.message).toMatch(/^segments\.1\.handle: duplicate handle 'fine'/)

      const extra = await post(`${BASE}/import`, { segments: [{ ...ok, colour: "red" }] })
      expect(extra.status).toBe(400)
      expect(extra.data.message).toBe("segments.0.colour: unknown field")

      const missing = await post(`${BASE}/import`, { dry_run: true })
      expect(missing.status).toBe(400)
      expect(missing.data.message).toMatch(/^segments: /)

      expect((await get(`${BASE}?limit=100`)).data.count).toBe(3)
    })

    // Issue #21.1: an import never leaves a reference to an archived segment, and applies in an order every single
    // save accepts (archiving is refused while a segment that is not archived references it).
    it("archives and unreferences in one document; a document leaving a reference to an archived segment is a 400 before writing", async () => {
      const base = await create({ handle: "a-base", name: "A base", rule_text: "orders_count >= 1", status: "active" })
      const ref = await create({ handle: "z-ref", name: "Z ref", rule_text: "segment('a-base') AND orders_count >= 2", status: "active" })
      const before = (await get(`${BASE}/export`)).data

      // z-ref keeps its reference while a-base is archived: refused, naming the document path, nothing written.
      const dangling = await post(`${BASE}/import`, { segments: [{ handle: "a-base", name: "A base", rule_text: "orders_count >= 1", status: "archived" }] })
      expect(dangling.status).toBe(400)
      expect(dangling.data.message).toBe("segments.0.status: segment 'a-base' is referenced by segment 'z-ref', which is not archived")
      const both = await post(`${BASE}/import`, {
        segments: [
          { handle: "z-ref", name: "Z ref", rule_text: "segment('a-base')", status: "active" },
          { handle: "a-base", name: "A base", rule_text: "orders_count >= 1", status: "archived" },
        ],
      })
      expect(both.status).toBe(400)
      expect(both.data.message).toBe("segments.0.rule_text: segment 'a-base' is archived after this import; restore it or remove the reference")
      expect((await get(`${BASE}/export`)).data).toEqual(before)

      // Dropping the reference and archiving in the same document: applied (the rule change first, then the archive).
      const applied = await post(`${BASE}/import`, {
        segments: [
          { handle: "a-base", name: "A base", rule_text: "orders_count >= 1", status: "archived" },
          { handle: "z-ref", name: "Z ref", rule_text: "orders_count >= 2", status: "active" },
        ],
      })
      expect({ status: applied.status, message: applied.data.message }).toEqual({ status: 200, message: undefined })
      expect(applied.data.segments.changed).toEqual([
        { handle: "a-base", fields: ["status"] },
        { handle: "z-ref", fields: ["rule"] },
      ])
      expect((await get(`${BASE}/${base.id}`)).data.segment.status).toBe("archived")
      expect((await get(`${BASE}/${ref.id}`)).data.segment.rule_text).toBe("orders_count >= 2")

      // And back: restoring a-base and referencing it again in one document (restore first, then the reference).
      const restored = await post(`${BASE}/import`, { segments: before.segments })
      expect(restored.status).toBe(200)
      expect((await get(`${BASE}/export`)).data).toEqual(before)
    })

    it("the rule editor's catalogue lists traits with types, operators per type, event types and consent purposes", async () => {
      const res = await get("/admin/personalization/catalog")
      expect(res.status).toBe(200)
      expect(res.data.traits).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: "orders_count", type: "number", label: "Orders" }),
          expect.objectContaining({ name: "device_type", type: "enum", values: ["desktop", "mobile", "tablet", "other"] }),
        ])
      )
      expect(res.data.operators.money).toContain("between")
      expect(res.data.event_types).toContain("product_viewed")
      expect(res.data.consent.purposes).toEqual(["personalization", "analytics", "marketing"])
      expect((await get("/admin/personalization/catalog?x=1")).status).toBe(400)
    })
  },
})
