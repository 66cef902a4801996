// A demo store an older version of the seed made (store data and the five example segments, no showcase): the check
// `npm run dev` runs before deciding to seed (scripts/lib/demo-state.js) names what it lacks; the next seed run tops it
// up with exactly the showcase (the store data kept); another run changes nothing. Then the shopper logins work over
// HTTP and the member, the non-member and a visitor are where the printed lines say.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedDemoStore, type SeedDemoResult } from "../../src/scripts/demo/seed"
import { sql } from "../../src/lib/db/raw-sql"
import manifest from "../../src/scripts/demo/manifest.json"

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { demoState, demoCounts } = require("../../scripts/lib/demo-state.js")

jest.setTimeout(240_000)

const NOW = new Date()
const SIZE = { customers: 60, products: 10 }

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "..", ".."),
  testSuite: ({ api, getContainer }) => {
    let older: SeedDemoResult
    const logs: string[] = []
    const log = (m: string) => logs.push(m)

    beforeAll(async () => {
      // what the seed made before the showcase existed
      older = await seedDemoStore(getContainer(), { ...SIZE, now: NOW, log })
    })

    it("an older demo store is named incomplete, topped up with exactly the showcase, and a further run changes nothing", async () => {
      const c = getContainer()
      const query = (text: string, params?: unknown[]) => sql(c, text, params)

      const before = await demoState(query)
      expect({ token: before.token, seeded: before.seeded }).toEqual({ token: older.publishableKey, seeded: false })
      expect(before.missing).toEqual([
        "segment vip",
        "segment home-lovers",
        "placement home.hero",
        "placement pdp.cross-sell",
        `promotion ${manifest.promotionCode}`,
        `price list '${manifest.priceListTitle}'`,
        `experiment '${manifest.experimentName}'`,
        `shopper ${manifest.shoppers.member.email}`,
        `shopper ${manifest.shoppers.nonmember.email}`,
        `visitors (0/${manifest.visitors.count})`,
      ])
      const old = await demoCounts(query)

      const topped = await seedDemoStore(c, { ...SIZE, now: NOW, showcase: true, log })
      if (!topped.showcase) console.log(logs.join("\n"))
      expect(topped.skipped).toBe(true)
      expect(topped.segments).toEqual(["vip", "home-lovers"])
      expect(topped.showcase).toMatchObject({ placements: ["home.hero", "pdp.cross-sell"], visitorsRecorded: manifest.visitors.count })
      expect(topped.showcase!.experimentId).toMatch(/^pexp_/)
      expect(await demoState(query)).toMatchObject({ seeded: true, missing: [] })

      const counts = await demoCounts(query)
      // the store data is kept as it was; the showcase adds two accounts (with 9 + 2 orders) and its own records
      const kept = ["regions", "publishable_keys", "admins", "products", "variants", "categories"] as const
      expect(Object.fromEntries(kept.map((k) => [k, counts[k]]))).toEqual(Object.fromEntries(kept.map((k) => [k, old[k]])))
      expect([counts.customers - old.customers, counts.orders - old.orders]).toEqual([2, 11])
      expect(counts).toMatchObject({
        accounts: 2,
        logins: 2,
        segments: manifest.segments.length,
        visitor_profiles: manifest.visitors.count,
        placements: 2,
        placement_variants: 5,
        promotions: 1,
        promotion_rules: 1,
        price_lists: 1,
        price_list_rules: 1,
        experiments: 1,
      })
      expect(counts.exposures).toBeGreaterThan(0)
      expect(counts.visitor_events).toBeGreaterThanOrEqual(manifest.visitors.count)
      // consent: one ledger row each for the two accounts and the visitors (the older seed's rows untouched)
      expect(counts.consent_records - old.consent_records).toBe(2 + manifest.visitors.count)

      const again = await seedDemoStore(c, { ...SIZE, now: new Date(), showcase: true, log })
      expect([again.skipped, again.segments, again.showcase?.visitorsRecorded]).toEqual([true, [], 0])
      expect(await demoCounts(query)).toEqual(counts)

      // the accounts log in over HTTP; the member, the non-member and a visitor are where the printed lines say
      const pk = { "x-publishable-api-key": older.publishableKey }
      const segmentsOf = async (headers: Record<string, string>) =>
        (await api.get("/store/personalization/me", { headers: { ...pk, ...headers } })).data.segments.map((s: { handle: string }) => s.handle).sort()
      const login = async (who: "member" | "nonmember") => {
        const s = manifest.shoppers[who]
        const res = await api.post("/auth/customer/emailpass", { email: s.email, password: s.password })
        return { authorization: `Bearer ${res.data.token}` }
      }
      expect(await segmentsOf(await login("member"))).toEqual(["repeat-buyers", "vip"])
      expect(await segmentsOf(await login("nonmember"))).toEqual([])
      expect(await segmentsOf({ "x-visitor-id": manifest.visitors.browsingHome })).toEqual(["home-lovers"])
      expect(await segmentsOf({ "x-visitor-id": manifest.visitors.notInSegment })).toEqual([])
      const offers = (await api.get("/store/personalization/offers", { headers: { ...pk, ...(await login("member")) } })).data
      expect([offers.promotions.map((p: { code: string }) => p.code), offers.price_lists.map((l: { title: string }) => l.title)]).toEqual([
        [manifest.promotionCode],
        [manifest.priceListTitle],
      ])
      const hero = async (headers: Record<string, string>) =>
        (await api.get("/store/personalization/sections?placement=home.hero", { headers: { ...pk, ...headers } })).data.sections[0].variant.name
      expect([await hero(await login("member")), await hero(await login("nonmember")), await hero({ "x-visitor-id": manifest.visitors.browsingHome }), await hero({})]).toEqual([
        "Welcome back",
        "We miss you",
        "Picked for your home",
        "New in",
      ])
    })
  },
})
