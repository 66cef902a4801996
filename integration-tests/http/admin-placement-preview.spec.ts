// Issue #7, point 5 (admin Placements page): GET /admin/personalization/placements/:id/preview?customer_id=
// answers which variant that customer would be served — segment variant for a consenting member, the default
// otherwise, a held-out variant skipped — without logging an exposure. One app boot.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { adminHeaders, publishableKey } from "../helpers/auth"
import { registerShopper, waitFor, type Shopper } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import { saltSplitting } from "../helpers/experiments"

jest.setTimeout(300_000)

const PLACEMENTS = "/admin/personalization/placements"
const ok = { validateStatus: () => true }

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let admin: Record<string, string>
    let pk: string
    let vip: { id: string; customer_group_id: string; handle: string }
    let member: Shopper
    let stranger: Shopper
    let noConsent: Shopper
    let placement: { id: string; variants: { id: string; name: string; segment_id: string | null }[] }

    const get = (url: string) => api.get(url, { headers: admin, ...ok })
    const post = (url: string, body: unknown) => api.post(url, body, { headers: admin, ...ok })
    const preview = (customerId: string, id = placement.id) => get(`${PLACEMENTS}/${id}/preview?customer_id=${customerId}`)
    const exposures = async () =>
      (await sql<{ n: number }>(getContainer(), `SELECT count(*)::int AS n FROM personalization_exposure`))[0].n

    async function shopper(email: string, consent: boolean) {
      const s = await registerShopper(api, pk, email)
      if (consent) {
        const res = await api.post("/store/personalization/consent", { purposes: { personalization: "granted" } }, { headers: s.headers })
        expect(res.status).toBe(200)
      }
      return s
    }

    beforeAll(async () => {
      const c = getContainer()
      admin = (await adminHeaders(c)).headers
      pk = await publishableKey(c)
      const seg = await post("/admin/personalization/segments", {
        handle: "vip",
        name: "VIP",
        rule_text: "email_domain = 'vip.example'",
        status: "active",
      })
      expect(seg.status).toBe(201)
      vip = seg.data.segment
      member = await shopper("ann@vip.example", true)
      stranger = await shopper("bob@plain.example", true)
      noConsent = await shopper("cy@vip.example", false)
      await waitFor(async () => {
        const links = await c
          .resolve(Modules.CUSTOMER)
          .listCustomerGroupCustomers({ customer_id: member.customerId, customer_group_id: vip.customer_group_id })
        return links.length > 0
      }, "ann in the VIP group")

      const created = await post(PLACEMENTS, {
        handle: "home.hero",
        variants: [
          { name: "Everyone", content: { title: "Hello", recommendations: { strategy: "popular" } } },
          { name: "VIP", segment_id: vip.id, priority: 10, content: { title: "Hello VIP", recommendations: { strategy: "for_you" } } },
          { name: "VIP draft", segment_id: vip.id, priority: 99, status: "draft", content: { recommendations: { strategy: "cart" } } },
        ],
      })
      expect(created.status).toBe(201)
      placement = created.data.placement
    })

    it("a consenting member gets the segment variant, others the default; drafts never; nothing is logged", async () => {
      const vipVariant = placement.variants.find((v) => v.name === "VIP")!
      const defaultVariant = placement.variants.find((v) => v.name === "Everyone")!

      const m = await preview(member.customerId)
      expect(m.status).toBe(200)
      expect(m.data.preview.served).toBe(true)
      expect(m.data.preview.reason).toBeNull()
      expect(m.data.preview.customer).toMatchObject({ id: member.customerId, email: "ann@vip.example" })
      expect(m.data.preview.segments.map((s: { handle: string }) => s.handle)).toEqual(["vip"])
      expect(m.data.preview.variant).toMatchObject({ id: vipVariant.id, name: "VIP", targeted: true, content: { title: "Hello VIP" } })
      // ranked as the storefront ranks: the segment variant, then the default; the draft is not a candidate
      expect(m.data.preview.candidates.map((c: { name: string }) => c.name)).toEqual(["VIP", "Everyone"])

      const s = await preview(stranger.customerId)
      expect(s.status).toBe(200)
      expect(s.data.preview.segments).toEqual([])
      expect(s.data.preview.variant).toMatchObject({ id: defaultVariant.id, targeted: false })
      expect(s.data.preview.candidates.map((c: { name: string }) => c.name)).toEqual(["Everyone"])

      // in the segment's domain but without consent: nothing personalized, the default, and the reason said
      const n = await preview(noConsent.customerId)
      expect(n.status).toBe(200)
      expect(n.data.preview.served).toBe(false)
      expect(n.data.preview.reason).toMatch(/consent/)
      expect(n.data.preview.variant.id).toBe(defaultVariant.id)

      expect(await exposures()).toBe(0)
    })

    it("a running experiment on the segment variant: the member's arm decides, as on the storefront, with no exposure logged", async () => {
      const vipVariant = placement.variants.find((v) => v.name === "VIP")!
      // Both arms, each with an explicit salt that puts the member there (the customer id is random, so a random salt
      // used to check one arm or the other by chance).
      for (const arm of ["control", "treatment"] as const) {
        const salt = saltSplitting(`preview-${arm}`, 50, (armOf) => armOf(`customer:${member.customerId}`) === arm)
        const x = await post("/admin/personalization/experiments", {
          name: `VIP hero (${arm})`,
          target_type: "placement_variant",
          target_id: vipVariant.id,
          holdout_percent: 50,
          salt,
        })
        expect(x.status).toBe(201)

        const m = await preview(member.customerId)
        expect(m.status).toBe(200)
        expect(m.data.preview.candidates[0]).toMatchObject({
          id: vipVariant.id,
          held_out: arm === "control",
          experiments: [{ experiment_id: x.data.experiment.id, arm }],
        })
        expect(m.data.preview.variant.name).toBe(arm === "control" ? "Everyone" : "VIP")
        expect(await exposures()).toBe(0)
        expect((await post(`/admin/personalization/experiments/${x.data.experiment.id}/stop`, {})).status).toBe(200)
      }
    })

    it("400 naming customer_id when missing, malformed or joined by an unknown field; 404 for an unknown placement or customer", async () => {
      const missing = await get(`${PLACEMENTS}/${placement.id}/preview`)
      expect(missing.status).toBe(400)
      expect(missing.data.message).toMatch(/customer_id/)

      const malformed = await get(`${PLACEMENTS}/${placement.id}/preview?customer_id=${encodeURIComponent("a b;")}`)
      expect(malformed.status).toBe(400)
      expect(malformed.data.message).toMatch(/customer_id/)

      const extra = await get(`${PLACEMENTS}/${placement.id}/preview?customer_id=${member.customerId}&region_id=x`)
      expect(extra.status).toBe(400)
      expect(extra.data.message).toMatch(/region_id: unknown field/)

      const noPlacement = await preview(member.customerId, "plc_missing")
      expect(noPlacement.status).toBe(404)
      expect(noPlacement.data.message).toMatch(/plc_missing/)

      const noCustomer = await preview("cus_missing")
      expect(noCustomer.status).toBe(404)
      expect(noCustomer.data.message).toMatch(/cus_missing/)
    })
  },
})
