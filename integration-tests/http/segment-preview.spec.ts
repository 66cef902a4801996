// POST /admin/personalization/segments/preview over a seeded demo store: the dry run must count exactly the members a
// saved and refreshed segment gets, say who enters and leaves on an edit, list the gated offers, and write nothing.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { seedDemoStore } from "../../src/scripts/demo/seed"
import { adminHeaders } from "../helpers/auth"
import { sql } from "../../src/lib/db/raw-sql"
import { parse } from "../../src/core/rules"
import type PersonalizationModuleService from "../../src/modules/personalization/service"

jest.setTimeout(240_000)

const BASE = "/admin/personalization/segments"
const PREVIEW = `${BASE}/preview`

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let headers: Record<string, string>
    let profiles: number
    const personalization = () => getContainer().resolve<PersonalizationModuleService>("personalization")

    beforeAll(async () => {
      const container = getContainer()
      await seedDemoStore(container, { customers: 40, products: 6, admin: false, segments: false, log: () => {} })
      headers = (await adminHeaders(container)).headers
      profiles = (await personalization().listCustomerProfiles({}, { select: ["id"], take: null })).length
    })

    const post = (url: string, body: unknown) => api.post(url, body, { headers, validateStatus: () => true })

    async function preview(body: Record<string, unknown>) {
      const res = await post(PREVIEW, body)
      expect({ status: res.status, data: res.status === 200 ? "ok" : res.data }).toEqual({ status: 200, data: "ok" })
      return res.data
    }

    async function createActive(handle: string, rule_text: string, extra: Record<string, unknown> = {}) {
      const res = await post(BASE, { handle, name: handle, rule_text, status: "active", ...extra })
      expect(res.status).toBe(201)
      return res.data.segment as { id: string; member_count: number; customer_group_id: string }
    }

    async function openProfileIds(segmentId: string) {
      const rows = await personalization().listSegmentMemberships({ segment_id: segmentId, exited_at: null }, { take: null })
      return new Set(rows.map((m) => m.profile_id))
    }

    /** Everything a preview could conceivably touch: row counts and the latest update of our tables. */
    async function writeFingerprint() {
      const [row] = await sql<Record<string, unknown>>(
        getContainer(),
        `SELECT (SELECT count(*) FROM personalization_segment) AS segments,
                (SELECT count(*) FROM personalization_segment_membership) AS memberships,
                (SELECT max(updated_at) FROM personalization_segment_membership) AS memberships_updated,
                (SELECT max(updated_at) FROM personalization_customer_profile) AS profiles_updated,
                (SELECT max(updated_at) FROM personalization_segment) AS segments_updated`
      )
      return JSON.stringify(row)
    }

    it("counts exactly the members the same rule gets when saved and refreshed, with a customer sample, writing nothing", async () => {
      const rules = [
        "orders_count >= 2",
        "total_spent >= 150 AND days_since_last_order < 60",
        "NOT country = 'DE' AND customer_age_days >= 30",
      ]
      let informative = 0
      for (const [i, rule_text] of rules.entries()) {
        const before = await writeFingerprint()
        const byText = await preview({ rule_text, sample_size: 5 })
        expect(await writeFingerprint()).toBe(before)
        // the JSON form of the same rule previews the same
        const byJson = await preview({ rule: parse(rule_text), sample_size: 5 })
        expect({ count: byJson.count, sample: byJson.sample }).toEqual({ count: byText.count, sample: byText.sample })
        expect(byText).toMatchObject({ rule_text, purpose: "personalization", promotions: [], price_lists: [] })
        expect(byText.entering).toBeUndefined()
        expect(typeof byText.took_ms).toBe("number")

        const segment = await createActive(`preview-${i}`, rule_text)
        const members = await openProfileIds(segment.id)
        expect({ rule_text, count: byText.count }).toEqual({ rule_text, count: members.size })
        expect(segment.member_count).toBe(byText.count)

        expect(byText.sample.length).toBe(Math.min(5, byText.count))
        for (const s of byText.sample) {
          expect(members.has(s.profile_id)).toBe(true)
          expect(s.customer_id).toMatch(/^cus_/)
          expect(s.email).toContain("@")
          expect(typeof s.first_name).toBe("string")
          expect(s).toHaveProperty("last_name")
        }
        if (byText.count > 0 && byText.count < profiles) informative++
      }
      expect(informative).toBe(rules.length)
    })

    it("applies the consent purpose the way batch refresh does", async () => {
      // the demo seed records consent for 'personalization' only
      const gated = await preview({ rule_text: "orders_count >= 1" })
      const marketing = await preview({ rule_text: "orders_count >= 1", purpose: "marketing" })
      expect(gated.count).toBeGreaterThan(0)
      expect(marketing).toMatchObject({ purpose: "marketing", count: 0, sample: [] })
      const segment = await createActive("marketing-buyers", "orders_count >= 1", { purpose: "marketing" })
      expect(segment.member_count).toBe(0)
      // with segment_id the segment's own purpose is used
      expect((await preview({ rule_text: "orders_count >= 1", segment_id: segment.id })).purpose).toBe("marketing")
      // consented profiles that match, counted in SQL independently
      const [{ n }] = await sql<{ n: number }>(
        getContainer(),
        `SELECT count(*)::int AS n FROM personalization_customer_profile
          WHERE deleted_at IS NULL AND orders_count >= 1 AND consent -> 'personalization' ->> 'status' = 'granted'`
      )
      expect(gated.count).toBe(n)
    })

    it("behavioural windows (one grouped pass over the events): counts, zero counts, NOT/OR and two windows match the planted events", async () => {
      const rows = await sql<{ id: string; consented: boolean; orders_count: number }>(
        getContainer(),
        `SELECT id, COALESCE(consent -> 'personalization' ->> 'status' = 'granted', false) AS consented, orders_count
           FROM personalization_customer_profile WHERE deleted_at IS NULL ORDER BY id`
      )
      const H = 3_600_000
      const now = Date.now()
      // Profile k: k % 4 product views 5, 10, 15 hours ago (the third one a chair, the others sofas), and every third
      // profile one more sofa view 10 days ago; a deleted event that must not count.
      const events: Record<string, unknown>[] = []
      rows.forEach((p, k) => {
        const view = (i: string, category: string, ago: number) =>
          events.push({ profile_id: p.id, client_id: `pv-${k}-${i}`, type: "product_viewed", properties: { category }, occurred_at: new Date(now - ago) })
        for (let i = 0; i < k % 4; i++) view(String(i), i === 2 ? "chairs" : "sofas", (i + 1) * 5 * H)
        if (k % 3 === 0) view("old", "sofas", 10 * 24 * H)
      })
      await personalization().createBehaviorEvents(events as any)
      const deleted = (await personalization().createBehaviorEvents([
        { profile_id: rows[0].id, client_id: "pv-deleted", type: "product_viewed", properties: { category: "sofas" }, occurred_at: new Date(now - H) },
      ] as any)) as unknown as { id: string }[]
      await personalization().softDeleteBehaviorEvents([deleted[0].id])

      const sofas7d = (k: number) => Math.min(k % 4, 2)
      const cases: [string, (k: number, p: (typeof rows)[number]) => boolean][] = [
        ["event('product_viewed', category = 'sofas').count(last 7d) >= 1", (k) => sofas7d(k) >= 1],
        ["event('product_viewed').count(last 7d) < 2", (k) => k % 4 < 2],
        ["NOT event('product_viewed').exists(last 30d) OR orders_count >= 3", (k, p) => (k % 4 === 0 && k % 3 !== 0) || p.orders_count >= 3],
        [
          "event('product_viewed', category = 'sofas').count(last 30d) = 2 AND event('product_viewed').count(last 7d) >= 2",
          (k) => sofas7d(k) + (k % 3 === 0 ? 1 : 0) === 2 && k % 4 >= 2,
        ],
      ]
      for (const [i, [rule_text, expect_]] of cases.entries()) {
        const expected = new Set(rows.filter((p, k) => p.consented && expect_(k, p)).map((p) => p.id))
        expect({ rule_text, informative: expected.size > 0 && expected.size < rows.length }).toEqual({ rule_text, informative: true })
        const res = await preview({ rule_text, sample_size: 100 })
        expect({ rule_text, count: res.count }).toEqual({ rule_text, count: expected.size })
        expect(res.sample.length).toBe(Math.min(100, expected.size))
        for (const s of res.sample) expect({ rule_text, in: expected.has(s.profile_id) }).toEqual({ rule_text, in: true })
        // the batch refresh (same compiled SQL) agrees
        const segment = await createActive(`preview-events-${i}`, rule_text)
        expect({ rule_text, members: [...(await openProfileIds(segment.id))].sort() }).toEqual({ rule_text, members: [...expected].sort() })
      }
    })

    it("with segment_id: who enters and who leaves on an edit, and the offers gated to its group", async () => {
      const container = getContainer()
      const segment = await createActive("three-plus", "orders_count >= 3")
      const current = await openProfileIds(segment.id)
      expect(current.size).toBeGreaterThan(0)

      const promotion = await container.resolve(Modules.PROMOTION).createPromotions({
        code: "THREEPLUS",
        type: "standard",
        status: "active",
        is_automatic: true,
        application_method: { type: "percentage", target_type: "order", allocation: "across", value: 5, currency_code: "eur" },
        rules: [{ attribute: "customer.groups.id", operator: "in", values: [segment.customer_group_id] }],
      })
      const [priceList] = await container
        .resolve(Modules.PRICING)
        .createPriceLists([{ title: "Three plus prices", description: "members", rules: { "customer.groups.id": [segment.customer_group_id] } }])

      // unchanged rule: nobody enters or leaves
      const same = await preview({ segment_id: segment.id, rule_text: "orders_count >= 3" })
      expect(same).toMatchObject({ count: current.size, entering: { count: 0, sample: [] }, exiting: { count: 0, sample: [] } })
      expect(same.promotions).toEqual([{ id: promotion.id, code: "THREEPLUS", group_ids: [segment.customer_group_id] }])
      expect(same.price_lists).toEqual([{ id: priceList.id, title: "Three plus prices", group_ids: [segment.customer_group_id] }])

      // tightening: only exits, each of them a current member
      const tighter = await preview({ segment_id: segment.id, rule_text: "orders_count >= 5", sample_size: 100 })
      expect(tighter.entering.count).toBe(0)
      expect(tighter.exiting.count).toBe(current.size - tighter.count)
      for (const s of tighter.exiting.sample) expect(current.has(s.profile_id)).toBe(true)

      // widening: only entries; then really edit the segment and compare
      const wider = await preview({ segment_id: segment.id, rule_text: "orders_count >= 2", sample_size: 100 })
      expect(wider.exiting.count).toBe(0)
      expect(wider.entering.count).toBe(wider.count - current.size)
      expect(wider.entering.count).toBeGreaterThan(0)
      const entering = new Set<string>(wider.entering.sample.map((s: { profile_id: string }) => s.profile_id))
      for (const id of entering) expect(current.has(id)).toBe(false)

      const before = await writeFingerprint()
      await preview({ segment_id: segment.id, rule_text: "orders_count >= 2" })
      expect(await writeFingerprint()).toBe(before)

      const edited = await post(`${BASE}/${segment.id}`, { rule_text: "orders_count >= 2" })
      expect(edited.status).toBe(200)
      const after = await openProfileIds(segment.id)
      expect(after.size).toBe(wider.count)
      expect(new Set([...after].filter((id) => !current.has(id)))).toEqual(entering)
      // and now the edited rule previews with no change pending
      const settled = await preview({ segment_id: segment.id, rule_text: "orders_count >= 2" })
      expect(settled).toMatchObject({ entering: { count: 0 }, exiting: { count: 0 } })
    })

    it("400 naming the field for bad input, with line:column for syntax errors; 404 for an unknown segment", async () => {
      const syntax = await post(PREVIEW, { rule_text: "orders_count >= 3 AND\n  country = " })
      expect(syntax.status).toBe(400)
      expect(syntax.data.message).toMatch(/^rule_text: .* at 2:13/)

      const unknownTrait = await post(PREVIEW, { rule: { type: "trait", trait: "cuntry", op: "=", value: "DE" } })
      expect(unknownTrait.status).toBe(400)
      expect(unknownTrait.data.message).toContain("rule.trait: unknown trait 'cuntry'")

      const tooLarge = await post(PREVIEW, {
        rule: { type: "or", rules: Array.from({ length: 101 }, (_, i) => ({ type: "trait", trait: "orders_count", op: "=", value: i })) },
      })
      expect(tooLarge.status).toBe(400)
      expect(tooLarge.data.message).toMatch(/^rule: .*at most 100 nodes/)

      const both = await post(PREVIEW, { rule_text: "orders_count >= 3", rule: parse("orders_count >= 3") })
      expect(both.status).toBe(400)
      expect(both.data.message).toContain("rule_text: give either rule or rule_text, not both")

      const neither = await post(PREVIEW, { sample_size: 5 })
      expect(neither.status).toBe(400)
      expect(neither.data.message).toContain("rule: either rule or rule_text is required")

      for (const sample_size of [0, 101, 2.5, "10"]) {
        const res = await post(PREVIEW, { rule_text: "orders_count >= 3", sample_size })
        expect({ sample_size, status: res.status }).toEqual({ sample_size, status: 400 })
        expect(res.data.message).toMatch(/^sample_size: /)
      }

      const unknownField = await post(PREVIEW, { rule_text: "orders_count >= 3", limit: 5 })
      expect(unknownField.status).toBe(400)
      expect(unknownField.data.message).toBe("limit: unknown field")

      const badPurpose = await post(PREVIEW, { rule_text: "orders_count >= 3", purpose: "Not A Purpose" })
      expect(badPurpose.status).toBe(400)
      expect(badPurpose.data.message).toMatch(/^purpose: /)

      const unknownReference = await post(PREVIEW, { rule_text: "segment('nope') OR orders_count >= 3" })
      expect(unknownReference.status).toBe(400)
      expect(unknownReference.data.message).toBe("rule_text: unknown segment 'nope'")

      const missing = await post(PREVIEW, { rule_text: "orders_count >= 3", segment_id: "pseg_does_not_exist" })
      expect(missing.status).toBe(404)
      expect(missing.data.message).toContain("pseg_does_not_exist")

      const huge = await post(PREVIEW, { rule_text: `country IN (${Array.from({ length: 6000 }, (_, i) => `'c${i}'`).join(", ")})` })
      expect(huge.status).toBe(400)
      expect(huge.data.message).toMatch(/^(body|rule_text): /)
    })
  },
})
