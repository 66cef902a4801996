// Issue #10, part 2: isolation (BOLA). Across every store personalization route (discovered from src/api, so
// routes added later are covered), a subject never reads or changes another subject's profile, consent, events,
// memberships, offers or data export — by id guessing (ids in query/body/path), visitor-id reuse after a merge, or
// token swap (one subject's token with another's visitor id). Admin routes refuse store tokens and publishable keys.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ApiKeyType, Modules } from "@medusajs/framework/utils"
import { createPromotionsWorkflow, linkSalesChannelsToApiKeyWorkflow } from "@medusajs/medusa/core-flows"
import { adminHeaders, customerHeaders } from "../helpers/auth"
import { rowsAbout, visitorId } from "../helpers/privacy"
import { discoverRoutes } from "../helpers/fuzz-routes"
import { sql } from "../../src/lib/db/raw-sql"

jest.setTimeout(600_000)

const EVENTS = "/store/personalization/events"
const CONSENT = "/store/personalization/consent"

type Subject = {
  key: string
  customerId: string
  email: string
  auth: string
  visitor: string
  secrets: string[] // strings only this subject's responses may contain
}

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    const ok = { validateStatus: () => true }
    let pk: string
    let admin: Record<string, string>
    let A: Subject
    let B: Subject
    let promoCode: string
    let cartOfA: string
    let regionId: string
    const storeRoutes = () => discoverRoutes().filter((r) => r.path.startsWith("/store/"))
    const adminRoutes = () => discoverRoutes().filter((r) => r.path.startsWith("/admin/"))

    const call = (method: string, url: string, headers: Record<string, string>, body?: unknown) =>
      api.request({ method, url, headers, data: body, ...ok }) as Promise<{ status: number; data: any }>

    const profileIdsOf = async (customerId: string) =>
      (
        await sql<{ id: string }>(
          getContainer(),
          `SELECT id FROM personalization_customer_profile WHERE customer_id = $1
           UNION SELECT id FROM personalization_customer_profile
            WHERE merged_into_id IN (SELECT id FROM personalization_customer_profile WHERE customer_id = $1)`,
          [customerId]
        )
      ).map((r) => r.id)

    async function subject(key: string): Promise<Subject> {
      const container = getContainer()
      const email = `${key}-${Date.now()}@${key}-iso.example`
      const { customer, headers } = await customerHeaders(container, email)
      const visitor = visitorId(`iso${key}`)
      const c = { "x-publishable-api-key": pk, authorization: headers.authorization }
      const v = { "x-publishable-api-key": pk, "x-visitor-id": visitor }
      // Anonymous history first (consent + events as the visitor), then sign-in and merge, then more as the customer.
      await call("POST", CONSENT, v, { purposes: { personalization: "granted" } })
      await call("POST", EVENTS, v, { events: [{ id: `ev-${key}-anon`, type: "product_viewed", properties: { category: `iso-${key}`, marker: `mark-${key}-anon` } }] })
      const merged = await call("POST", "/store/personalization/identify", { ...c, "x-visitor-id": visitor }, {})
      expect(merged.data.merged).toBe(true)
      await call("POST", CONSENT, c, { purposes: { personalization: "granted", marketing: "granted" } })
      await call("POST", EVENTS, c, { events: [{ id: `ev-${key}-cust`, type: "product_viewed", properties: { category: `iso-${key}`, marker: `mark-${key}-cust` } }] })
      const ids = await profileIdsOf(customer.id)
      expect(ids).toHaveLength(2)
      return { key, customerId: customer.id, email, auth: headers.authorization, visitor, secrets: [customer.id, email, `${key}-iso.example`, `mark-${key}-`, `ev-${key}-`, ...ids] }
    }

    beforeAll(async () => {
      const container = getContainer()
      // A publishable key with a sales channel (the storefront routes that price products need one).
      const key = await container.resolve(Modules.API_KEY).createApiKeys({ title: "iso", type: ApiKeyType.PUBLISHABLE, created_by: "test" })
      const channel = await container.resolve(Modules.SALES_CHANNEL).createSalesChannels({ name: "Iso channel" })
      await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: key.id, add: [channel.id] } })
      pk = key.token
      admin = (await adminHeaders(container)).headers
      // A public segment only A's behaviour qualifies for, with a promotion gated to its managed group (an "offer").
      const seg = await api.post(
        "/admin/personalization/segments",
        { handle: "iso-a-fans", name: "Only A", rule_text: "event('product_viewed', category = 'iso-a').count(last 24h) >= 1", status: "active", is_public: true },
        { headers: admin }
      )
      await api.post(
        "/admin/personalization/segments",
        { handle: "iso-b-fans", name: "Only B", rule_text: "event('product_viewed', category = 'iso-b').count(last 24h) >= 1", status: "active", is_public: false },
        { headers: admin }
      )
      A = await subject("a")
      B = await subject("b")
      promoCode = `ISO-A-ONLY-${Date.now()}`
      await createPromotionsWorkflow(container).run({
        input: {
          promotionsData: [
            {
              code: promoCode,
              type: "standard",
              status: "active",
              is_automatic: true,
              application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10 },
              rules: [{ attribute: "customer.groups.id", operator: "in", values: [seg.data.segment.customer_group_id] }],
            },
          ],
        } as never,
      })
      A.secrets.push(promoCode, "iso-a-fans")
      B.secrets.push("iso-b-fans")
      // A cart of A's (fixture made with the modules: the store has no products to fill it through the API).
      const region = await container.resolve(Modules.REGION).createRegions({ name: "Iso", currency_code: "eur" })
      const cart = await container.resolve(Modules.CART).createCarts({ currency_code: "eur", region_id: region.id, customer_id: A.customerId, email: A.email })
      cartOfA = cart.id
      regionId = region.id
      A.secrets.push(cartOfA)
    })

    const leaksOf = (text: string, other: Subject) => other.secrets.filter((s) => text.includes(s))

    it("store routes: B's responses never carry A's data, whatever ids B guesses in path, query or body", async () => {
      const me = { "x-publishable-api-key": pk, authorization: B.auth }
      const guesses = [A.customerId, A.visitor, ...(await profileIdsOf(A.customerId)), cartOfA]
      const leaks: string[] = []
      const statuses: Record<string, number> = {}
      let n = 0
      for (const r of storeRoutes()) {
        if (r.method === "DELETE") continue // erasure is covered below (it must erase only B)
        const urls = [r.path]
        for (const g of guesses) {
          for (const param of ["customer_id", "profile_id", "visitor_id", "id", "cart_id", "subject"]) urls.push(`${r.path}?${param}=${encodeURIComponent(g)}`)
        }
        if (r.path.endsWith("/recommendations")) urls.push(`${r.path}?context=cart&cart_id=${cartOfA}&region_id=${regionId}`)
        for (const url of urls) {
          const body = r.method === "POST" ? { customer_id: A.customerId, visitor_id: A.visitor, profile_id: guesses[2], events: [{ id: `guess-${n}`, type: "page_viewed" }] } : undefined
          const res = await call(r.method, url, me, body)
          n++
          statuses[`${r.method} ${r.path} ${res.status}`] = (statuses[`${r.method} ${r.path} ${res.status}`] ?? 0) + 1
          expect(res.status).toBeLessThan(500)
          // An id B sent itself may be echoed back in a 4xx naming it ("cart '…' was not found"): that is not A's data.
          const sent = url + JSON.stringify(body ?? {})
          for (const s of leaksOf(JSON.stringify(res.data), A).filter((x) => !sent.includes(x))) leaks.push(`${r.method} ${url} → ${res.status} shows A's ${s}`)
        }
      }
      // eslint-disable-next-line no-console
      console.log(`isolation: ${n} id-guessing requests`, statuses)
      expect(leaks).toEqual([])
      // A's cart id is refused outright (404 naming cart_id), not silently used.
      const rec = storeRoutes().find((r) => r.path.endsWith("/recommendations"))
      if (rec) {
        const res = await call("GET", `${rec.path}?context=cart&cart_id=${cartOfA}&region_id=${regionId}`, me)
        expect(res.status).toBe(404)
        expect(res.data.message).toContain("cart_id")
        const mine = await call("GET", `${rec.path}?context=cart&cart_id=${cartOfA}&region_id=${regionId}`, { "x-publishable-api-key": pk, authorization: A.auth })
        expect(mine.status).toBe(200)
      }
    })

    it("offers and segments: A sees the offer its segment unlocks; B, visitors and B-with-A's-visitor-id never do", async () => {
      const offers = discoverRoutes().find((r) => r.path === "/store/personalization/offers")
      const asA = await call("GET", "/store/personalization/me", { "x-publishable-api-key": pk, authorization: A.auth })
      expect(asA.data.segments.map((s: any) => s.handle)).toContain("iso-a-fans")
      if (offers) {
        const mine = await call("GET", offers.path, { "x-publishable-api-key": pk, authorization: A.auth })
        expect(JSON.stringify(mine.data)).toContain(promoCode)
        const callers: Record<string, string>[] = [
          { "x-publishable-api-key": pk, authorization: B.auth },
          { "x-publishable-api-key": pk, authorization: B.auth, "x-visitor-id": A.visitor },
          { "x-publishable-api-key": pk, "x-visitor-id": A.visitor },
          { "x-publishable-api-key": pk },
        ]
        for (const headers of callers) {
          const res = await call("GET", offers.path, headers)
          expect(res.status).toBe(200)
          expect(JSON.stringify(res.data)).not.toContain(promoCode)
        }
      }
      const asB = await call("GET", "/store/personalization/me", { "x-publishable-api-key": pk, authorization: B.auth, "x-visitor-id": A.visitor })
      expect(asB.data.segments.map((s: any) => s.handle)).not.toContain("iso-a-fans")
    })

    it("visitor-id reuse after merge and token swap: nothing of A is read or changed", async () => {
      const container = getContainer()
      const aProfiles = await profileIdsOf(A.customerId)
      const before = await rowsAbout(container, A.customerId, aProfiles)
      const [aProfile] = await sql<{ consent: unknown; traits: unknown }>(container, `SELECT consent, traits FROM personalization_customer_profile WHERE customer_id = $1`, [A.customerId])
      const anonWithA = { "x-publishable-api-key": pk, "x-visitor-id": A.visitor }
      const bWithA = { "x-publishable-api-key": pk, authorization: B.auth, "x-visitor-id": A.visitor }

      // The merged (retired) visitor id reads as a blank subject and cannot be written to.
      const me = await call("GET", "/store/personalization/me", anonWithA)
      expect(me.data.segments).toEqual([])
      const consent = await call("GET", CONSENT, anonWithA)
      expect(Object.values(consent.data.consent).every((c: any) => c.status === null)).toBe(true)
      expect((await call("POST", EVENTS, anonWithA, { events: [{ id: "reuse-1", type: "page_viewed" }] })).status).toBe(409)
      expect((await call("POST", CONSENT, anonWithA, { purposes: { personalization: "withdrawn" } })).status).toBe(409)
      // Another customer cannot claim it.
      const claim = await call("POST", "/store/personalization/identify", bWithA, {})
      expect(claim.status).toBe(409)
      // Token swap: B's token with A's visitor id acts on B only.
      await call("POST", EVENTS, bWithA, { events: [{ id: "swap-1", type: "product_viewed", properties: { category: "iso-a" } }] })
      await call("POST", CONSENT, bWithA, { purposes: { personalization: "withdrawn" } })
      const exportB = await call("GET", "/store/personalization/me/data", bWithA)
      expect(exportB.status).toBe(200)
      expect(exportB.data.customer_id).toBe(B.customerId)
      expect(leaksOf(JSON.stringify(exportB.data), A)).toEqual([])
      // Every store route, as B with A's visitor id and as the retired visitor id alone: no A data in any answer.
      for (const r of storeRoutes().filter((r) => r.method === "GET")) {
        for (const headers of [bWithA, anonWithA]) {
          const res = await call("GET", r.path, headers)
          expect(res.status).toBeLessThan(500)
          expect({ route: r.path, leaks: leaksOf(JSON.stringify(res.data), A) }).toEqual({ route: r.path, leaks: [] })
        }
      }
      // B erases itself, with A's visitor id attached: A is untouched. (Experiment exposures name a subject too:
      // B's go with B's erasure, A's stay.)
      const exposure = (s: Subject) =>
        sql(container, `INSERT INTO personalization_exposure (id, experiment_id, subject_key, customer_id, arm, exposed_at, last_exposed_at)
                        VALUES ($1, 'pexp_iso', $2, $2, 'treatment', now(), now())`, [`pexo_iso_${s.key}`, s.customerId])
      await exposure(A)
      await exposure(B)
      const erased = await call("DELETE", "/store/personalization/me/data", bWithA)
      expect(erased.status).toBe(200)
      const exposures = await sql<{ customer_id: string }>(container, `SELECT customer_id FROM personalization_exposure WHERE experiment_id = 'pexp_iso'`)
      expect(exposures.map((e) => e.customer_id)).toEqual([A.customerId])
      expect(await rowsAbout(container, A.customerId, aProfiles)).toEqual(before)
      const [aAfter] = await sql<{ consent: unknown; traits: unknown }>(container, `SELECT consent, traits FROM personalization_customer_profile WHERE customer_id = $1`, [A.customerId])
      expect(aAfter.consent).toEqual(aProfile.consent)
      const events = await sql<{ client_id: string }>(container, `SELECT client_id FROM personalization_behavior_event WHERE profile_id = ANY($1::text[]) ORDER BY client_id`, [aProfiles])
      expect(events.map((e) => e.client_id)).toEqual(["ev-a-anon", "ev-a-cust"])
    })

    it("admin routes refuse store tokens, publishable keys and forged credentials (401) before doing anything", async () => {
      const customerToken = { authorization: A.auth }
      const variants: Record<string, Record<string, string>> = {
        "customer token": customerToken,
        "customer token + publishable key": { ...customerToken, "x-publishable-api-key": pk },
        "publishable key header": { "x-publishable-api-key": pk },
        "publishable key as bearer": { authorization: `Bearer ${pk}` },
        "publishable key as basic (api-key auth)": { authorization: `Basic ${Buffer.from(`${pk}:`).toString("base64")}` },
        none: {},
      }
      const container = getContainer()
      const before = await rowsAbout(container, A.customerId, await profileIdsOf(A.customerId))
      const segmentsBefore = await sql<{ n: string }>(container, `SELECT count(*) AS n FROM personalization_segment`)
      const refused: string[] = []
      let n = 0
      for (const r of adminRoutes()) {
        const url = r.path.replace(/:customer_id|:id/g, (m) => (m === ":customer_id" ? A.customerId : A.customerId))
        for (const [name, headers] of Object.entries(variants)) {
          const res = await call(r.method, url, headers, r.method === "POST" ? { handle: "stolen", name: "x", rule_text: "orders_count >= 1" } : undefined)
          n++
          if (res.status !== 401) refused.push(`${r.method} ${r.path} with ${name} → ${res.status}`)
        }
      }
      // eslint-disable-next-line no-console
      console.log(`isolation: ${n} admin requests with store credentials`)
      expect(refused).toEqual([])
      expect(await rowsAbout(container, A.customerId, await profileIdsOf(A.customerId))).toEqual(before)
      expect(await sql<{ n: string }>(container, `SELECT count(*) AS n FROM personalization_segment`)).toEqual(segmentsBefore)
    })
  },
})
