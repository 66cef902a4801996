import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { adminHeaders } from "../helpers/auth"
import type PersonalizationModuleService from "../../src/modules/personalization/service"

jest.setTimeout(240_000)

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

    async function seedStore() {
      const vip = await create({ handle: "vip", name: "VIP", rule_text: "total_spent >= 500", status: "active", is_public: true })
      await create({ handle: "at-risk-vip", name: "VIP at risk", rule_text: "segment('vip') AND last_order_at < -90d", description: "win back" })
      await create({ handle: "browsers", name: "Browsers", rule_text: "event('product_viewed').count(last 7d) >= 3", purpose: "marketing" })
      const service: PersonalizationModuleService = getContainer().resolve("personalization")
      const [product] = await getContainer().resolve(Modules.PRODUCT).createProducts([{ title: "Sneaker", handle: "sneaker" }])
      const [placement] = await service.createPlacements([{ handle: "home-hero", description: "Home page hero" }])
      await service.createPlacementVariants([
        { name: "default", segment_id: null, priority: 0, content: { title: "Welcome" }, placement_id: placement.id },
        { name: "vip", segment_id: vip.id, priority: 10, content: { title: "Hello VIP", cta: { url: "/vip" } }, placement_id: placement.id },
        { name: "vip-picks", segment_id: vip.id, priority: 5, content: { title: "Picks", product_ids: [product.id, "prod_gone"] }, placement_id: placement.id },
      ] as never)
      return { vip, product }
    }

    const auditCount = async () => (await get("/admin/personalization/audit?target_type=segment&limit=1")).data.count as number

    it("exports every segment and placement in a stable order with no store-specific ids", async () => {
      const { vip, product } = await seedStore()
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
            { name: "vip", segment: "vip", priority: 10, status: "active", content: { cta: { url: "/vip" }, title: "Hello VIP" } },
            // Products by handle, not by this store's ids (an id that no longer resolves is named as missing).
            {
              name: "vip-picks",
              segment: "vip",
              priority: 5,
              status: "active",
              content: { missing_product_ids: ["prod_gone"], product_handles: ["sneaker"], title: "Picks" },
            },
            { name: "default", segment: null, priority: 0, status: "active", content: { title: "Welcome" } },
          ],
        },
      ])
      const text = JSON.stringify(doc)
      // No store-specific ids anywhere: segments are referenced by handle.
      expect(text).not.toContain(vip.id)
      expect(text).not.toContain(vip.customer_group_id)
      expect(text).not.toContain(product.id)
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
      expect(same.data.notes).toEqual([expect.stringMatching(/1 placement\(s\).*not imported/)])

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

    it("moves segments between stores: export, start empty, import, export again gives the same document", async () => {
      await seedStore()
      const doc = (await get(`${BASE}/export`)).data
      const segments = { ...doc, placements: undefined }
      // "Another store": remove every segment (dependents first), then import the document.
      for (const handle of ["at-risk-vip", "browsers", "vip"]) {
        const [s] = (await get(`${BASE}?q=${handle}`)).data.segments.filter((x: { handle: string }) => x.handle === handle)
        expect((await del(`${BASE}/${s.id}`)).status).toBe(200)
      }
      const res = await post(`${BASE}/import`, segments)
      expect(res.status).toBe(200)
      expect(res.data.segments.created).toEqual(["at-risk-vip", "browsers", "vip"])
      const after = (await get(`${BASE}/export`)).data
      expect(after.segments).toEqual(doc.segments)
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
