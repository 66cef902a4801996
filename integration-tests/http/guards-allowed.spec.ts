// Issue #16, point 3: every guard on both sides. The refused side of each guard is tested where the feature is
// (ARCHITECTURE.md "Guards, both sides" names both tests per guard); this suite holds the ALLOWED sides that had no
// test of their own — each proves that what the guard lets through really happens (what was stored equals what was
// sent, a delete really deletes), with the refused case beside it where that makes the contrast exact.
// One Medusa boot; small rate limits (MP_RATE_LIMIT, read by medusa-config.ts) so the limit is reachable.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { adminHeaders } from "../helpers/auth"
import { count } from "../helpers/privacy"
import { registerShopper, waitFor, type Shopper } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import { seedDemoStore } from "../../src/scripts/demo/seed"
import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { recordConsentStep, type RecordConsentInput } from "../../src/workflows/privacy/steps/record-consent"
import { conflictMessage } from "../../src/lib/errors"

// The consent step alone, to land "the profile was erased or merged" exactly between the workflow's profile lookup and
// this step's locked read (the race the 409 answers): the test deletes the profile, then runs the step on it.
const recordConsentOnlyWorkflow = createWorkflow("test-guards-record-consent-only", (input: RecordConsentInput) => {
  return new WorkflowResponse(recordConsentStep(input))
})

jest.setTimeout(300_000)

const EVENTS = "/store/personalization/events"
const CONSENT = "/store/personalization/consent"
const ME = "/store/personalization/me"
const SEGMENTS = "/admin/personalization/segments"
// Per subject: 3 tokens a second plus a burst of 4 a minute → 7 requests back to back are under the limit.
// The per-IP bucket is out of reach: every request of this suite comes from the same address.
const LIMITS = { subject: { perSecond: 3, burst: 4 }, ip: { perSecond: 10_000, burst: 100_000 } }
const UNDER_LIMIT = LIMITS.subject.perSecond + LIMITS.subject.burst

// The runner loads medusa-config.ts before it applies its `env` option (see faults.spec.ts).
process.env.MP_RATE_LIMIT = JSON.stringify(LIMITS)
afterAll(() => {
  delete process.env.MP_RATE_LIMIT
})

type StoredEvent = { client_id: string; type: string; properties: Record<string, unknown>; occurred_at: string }

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    const ok = { validateStatus: () => true }
    let pk: string
    let regionId: string
    let productIds: string[]
    let admin: Record<string, string>
    // Deterministic ids: every subject and handle of this suite is named by its test, nothing is drawn at random.
    let serial = 0
    const visitor = (tag: string) => `v_guards_${tag}_${String(++serial).padStart(4, "0")}`
    const asVisitor = (vid: string) => ({ "x-publishable-api-key": pk, "x-visitor-id": vid })

    const post = (url: string, body: unknown, headers: Record<string, string>) => api.post(url, body, { headers, ...ok })
    const get = (url: string, headers: Record<string, string>) => api.get(url, { headers, ...ok })
    const del = (url: string, headers: Record<string, string>) => api.delete(url, { headers, ...ok })
    const adminPost = (url: string, body: unknown) => post(url, body, admin)
    const adminGet = (url: string) => get(url, admin)

    beforeAll(async () => {
      const seeded = await seedDemoStore(getContainer(), { customers: 0, products: 2, admin: false, segments: false, log: () => {} })
      pk = seeded.publishableKey
      regionId = seeded.regionId!
      admin = (await adminHeaders(getContainer())).headers
      const products = await getContainer().resolve(Modules.PRODUCT).listProducts({}, { select: ["id", "handle"], take: null })
      productIds = products.sort((x, y) => x.handle.localeCompare(y.handle)).map((p) => p.id)
      expect(productIds).toHaveLength(2)
    })

    async function createSegment(handle: string, rule_text: string, extra: Record<string, unknown> = {}) {
      const res = await adminPost(SEGMENTS, { handle, name: `${handle} (guards)`, rule_text, status: "active", is_public: true, ...extra })
      expect({ handle, status: res.status, message: res.data.message }).toEqual({ handle, status: 201, message: undefined })
      return res.data.segment as { id: string; handle: string; name: string; customer_group_id: string; version: number; rule_text: string }
    }

    const profileOf = async (where: { visitor_id: string } | { customer_id: string }) => {
      const [col, value] = "visitor_id" in where ? ["visitor_id", where.visitor_id] : ["customer_id", where.customer_id]
      const extra = col === "visitor_id" ? " AND customer_id IS NULL" : ""
      return (
        await sql<{ id: string; merged_into_id: string | null }>(
          getContainer(),
          `SELECT id, merged_into_id FROM personalization_customer_profile WHERE ${col} = $1${extra} AND deleted_at IS NULL`,
          [value]
        )
      )[0]
    }
    const eventsOf = (profileId: string) =>
      sql<StoredEvent>(
        getContainer(),
        `SELECT client_id, type, properties, occurred_at FROM personalization_behavior_event
          WHERE profile_id = $1 AND deleted_at IS NULL ORDER BY client_id`,
        [profileId]
      )
    /** What the events route must store for a batch: the same ids, types, properties and instants, nothing else. */
    const asStored = (events: { id: string; type: string; properties?: Record<string, unknown>; occurred_at: string }[]) =>
      events
        .map((e) => ({ client_id: e.id, type: e.type, properties: e.properties ?? {}, occurred_at: new Date(e.occurred_at).toISOString() }))
        .sort((a, b) => a.client_id.localeCompare(b.client_id))
    const normalized = (rows: StoredEvent[]) => rows.map((r) => ({ ...r, occurred_at: new Date(r.occurred_at).toISOString() }))

    /** A batch of `n` events a storefront would send, each stamped at a distinct whole second in the last hour. */
    const batch = (prefix: string, n: number, category = "guards") => {
      const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000
      return Array.from({ length: n }, (_, i) => ({
        id: `${prefix}-${i}`,
        type: i % 2 ? "page_viewed" : "product_viewed",
        occurred_at: new Date(base + i * 1000).toISOString(),
        properties: { category, product_id: `prod_${prefix}_${i}`, position: i },
      }))
    }

    const openMembers = (segmentId: string) =>
      sql<{ profile_id: string; customer_id: string | null }>(
        getContainer(),
        `SELECT profile_id, customer_id FROM personalization_segment_membership
          WHERE segment_id = $1 AND exited_at IS NULL AND deleted_at IS NULL ORDER BY profile_id`,
        [segmentId]
      )
    const groupsOf = async (customerId: string) =>
      (await getContainer().resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_id: customerId }, { take: null }))
        .map((l) => l.customer_group_id)
        .sort()
    const consented = async (email: string) => {
      const shopper = await registerShopper(api, pk, email)
      const res = await post(CONSENT, { purposes: { personalization: "granted" } }, shopper.headers)
      expect(res.status).toBe(200)
      return shopper
    }
    const inGroups = (shopper: Shopper, groupIds: string[]) =>
      waitFor(async () => JSON.stringify(await groupsOf(shopper.customerId)) === JSON.stringify([...groupIds].sort()), `${shopper.email} in ${groupIds}`)

    describe("consent gates", () => {
      it("with personalization consent a batch is stored exactly as sent (ids, types, properties, instants); without it nothing", async () => {
        const vid = visitor("consent")
        const h = asVisitor(vid)
        const events = batch("consent", 6)

        // Refused: no consent yet — the whole batch is dropped and not even a profile is made.
        const dropped = await post(EVENTS, { events }, h)
        expect(dropped.status).toBe(202)
        expect(dropped.data).toEqual({ accepted: 0, duplicates: 0, dropped_no_consent: 6, dropped_stale: 0 })
        expect(await profileOf({ visitor_id: vid })).toBeUndefined()

        // Allowed: consent granted, the same batch (plus one event too old to keep) is stored exactly as sent.
        expect((await post(CONSENT, { purposes: { personalization: "granted" } }, h)).status).toBe(200)
        const stale = { id: "consent-stale", type: "page_viewed", occurred_at: new Date(Date.now() - 8 * 86_400_000).toISOString() }
        const stored = await post(EVENTS, { events: [...events, stale], context: { device_type: "desktop", country: "nl" } }, h)
        expect(stored.status).toBe(202)
        expect(stored.data).toEqual({ accepted: 6, duplicates: 0, dropped_no_consent: 0, dropped_stale: 1 })
        const profile = await profileOf({ visitor_id: vid })
        expect(normalized(await eventsOf(profile.id))).toEqual(asStored(events))
        // Resending the batch (a retry after a lost response) stores nothing twice.
        const again = await post(EVENTS, { events }, h)
        expect(again.data).toEqual({ accepted: 0, duplicates: 6, dropped_no_consent: 0, dropped_stale: 0 })
        expect(await count(getContainer(), "personalization_behavior_event", "profile_id = $1", [profile.id])).toBe(6)
      })

      it("a consenting customer matching a rule is a member, in its group, named by /me and served its section; a non-consenting one matching the same rule gets none of it", async () => {
        const yes = await registerShopper(api, pk, "yes@consent-gate.example")
        const no = await registerShopper(api, pk, "no@consent-gate.example")
        const seg = await createSegment("consent-gate", "email_domain = 'consent-gate.example'")
        const placement = await adminPost("/admin/personalization/placements", {
          handle: "guards.consent-hero",
          variants: [
            { name: "Everyone", content: { title: "Welcome", product_ids: [productIds[0]] } },
            { name: "Members", segment_id: seg.id, priority: 10, content: { title: "For members", product_ids: [productIds[1]] } },
          ],
        })
        expect(placement.status).toBe(201)

        expect((await post(CONSENT, { purposes: { personalization: "granted" } }, yes.headers)).status).toBe(200)
        await inGroups(yes, [seg.customer_group_id])
        const yesProfile = await profileOf({ customer_id: yes.customerId })
        // The account has a profile (made on customer.created): it is the consent gate that keeps it out.
        await waitFor(() => profileOf({ customer_id: no.customerId }), "the non-consenting customer's profile")
        // A refresh of the segment (the batch path) keeps the same answer.
        expect((await adminPost(`${SEGMENTS}/${seg.id}/refresh`, {})).status).toBe(200)
        expect(await openMembers(seg.id)).toEqual([{ profile_id: yesProfile.id, customer_id: yes.customerId }])
        expect(await groupsOf(no.customerId)).toEqual([])

        // The rule matches both; only the consent differs (explain says so).
        const explain = async (s: Shopper) => (await adminGet(`${SEGMENTS}/${seg.id}/explain/${s.customerId}`)).data.explanation
        expect(await explain(yes)).toMatchObject({ match: true, consent: { status: "granted", satisfied: true }, member: true })
        expect(await explain(no)).toMatchObject({ match: true, consent: { status: null, satisfied: false }, member: false })

        const me = async (s: Shopper) => (await get(ME, s.headers)).data
        expect((await me(yes)).segments).toEqual([{ handle: "consent-gate", name: "consent-gate (guards)" }])
        expect((await me(no)).segments).toEqual([])
        const hero = async (s: Shopper) => {
          const res = await get(`/store/personalization/sections?placement=guards.consent-hero&region_id=${regionId}`, s.headers)
          expect(res.status).toBe(200)
          return res.data.sections[0]
        }
        const yesHero = await hero(yes)
        expect(yesHero).toMatchObject({
          variant: { name: "Members", targeted: true, segment: { handle: "consent-gate" } },
          content: { title: "For members" },
        })
        expect(yesHero.products.map((p: any) => p.id)).toEqual([productIds[1]])
        const noHero = await hero(no)
        expect(noHero).toMatchObject({ variant: { name: "Everyone", targeted: false, segment: null }, content: { title: "Welcome" } })
        expect(noHero.products.map((p: any) => p.id)).toEqual([productIds[0]])
      })
    })

    describe("retired visitor ids", () => {
      it("after a merge the customer keeps tracking with the old id attached, and a new visitor id starts blank and is stored", async () => {
        const oldVid = visitor("retired")
        const anon = asVisitor(oldVid)
        expect((await post(CONSENT, { purposes: { personalization: "granted" } }, anon)).status).toBe(200)
        const before = batch("before", 2)
        expect((await post(EVENTS, { events: before }, anon)).data.accepted).toBe(2)
        const shopper = await registerShopper(api, pk, "retired@visitor.example")
        const merged = await post("/store/personalization/identify", {}, { ...shopper.headers, "x-visitor-id": oldVid })
        expect(merged.data).toEqual({ merged: true, events_moved: 2, events_dropped: 0 })
        const customerProfile = await profileOf({ customer_id: shopper.customerId })

        // Refused: the retired id alone can no longer write.
        const refused = await post(EVENTS, { events: batch("anon-after", 1) }, anon)
        expect(refused.status).toBe(409)
        expect(refused.data.message).toMatch(/^x-visitor-id: /)

        // Allowed: the customer's token with the retired id attached (a storefront that keeps sending it) stores
        // on the customer's profile — exactly the events sent, after the merged ones.
        const after = batch("after", 3)
        const withToken = await post(EVENTS, { events: after }, { ...shopper.headers, "x-visitor-id": oldVid })
        expect(withToken.status).toBe(202)
        expect(withToken.data).toEqual({ accepted: 3, duplicates: 0, dropped_no_consent: 0, dropped_stale: 0 })
        expect(normalized(await eventsOf(customerProfile.id))).toEqual(asStored([...before, ...after]))

        // Allowed: after signing out, a NEW visitor id starts blank and is a subject of its own.
        const newVid = visitor("fresh")
        const fresh = asVisitor(newVid)
        const blank = (await get(ME, fresh)).data
        expect(blank.segments).toEqual([])
        expect(Object.values(blank.consent).every((c: any) => c.status === null)).toBe(true)
        expect((await post(CONSENT, { purposes: { personalization: "granted" } }, fresh)).status).toBe(200)
        const mine = batch("fresh", 2)
        expect((await post(EVENTS, { events: mine }, fresh)).data).toEqual({ accepted: 2, duplicates: 0, dropped_no_consent: 0, dropped_stale: 0 })
        const freshProfile = await profileOf({ visitor_id: newVid })
        expect(freshProfile.id).not.toBe(customerProfile.id)
        expect(freshProfile.merged_into_id).toBeNull()
        expect(normalized(await eventsOf(freshProfile.id))).toEqual(asStored(mine))
        expect(await count(getContainer(), "personalization_behavior_event", "profile_id = $1", [customerProfile.id])).toBe(5)
      })
    })

    describe("rate limits", () => {
      it("under the limit: 7 requests back to back are all 202 and every event is stored; other subjects are not charged", async () => {
        expect(UNDER_LIMIT).toBe(7)
        const vid = visitor("limit")
        const h = asVisitor(vid)
        expect((await post(CONSENT, { purposes: { personalization: "granted" } }, h)).status).toBe(200)
        // Sequential: tokens only accrue with time, so perSecond + burst requests can never be refused.
        const sent: ReturnType<typeof batch> = []
        for (let i = 0; i < UNDER_LIMIT; i++) {
          const events = batch(`limit${i}`, 3)
          const res = await post(EVENTS, { events }, h)
          expect({ i, status: res.status, data: res.data }).toEqual({
            i,
            status: 202,
            data: { accepted: 3, duplicates: 0, dropped_no_consent: 0, dropped_stale: 0 },
          })
          sent.push(...events)
        }
        const profile = await profileOf({ visitor_id: vid })
        expect(normalized(await eventsOf(profile.id))).toEqual(asStored(sent))

        // This subject's bucket is (nearly) empty; another visitor's is untouched: its whole allowance goes through.
        const other = visitor("limit-other")
        const o = asVisitor(other)
        expect((await post(CONSENT, { purposes: { personalization: "granted" } }, o)).status).toBe(200)
        const otherSent: ReturnType<typeof batch> = []
        for (let i = 0; i < UNDER_LIMIT; i++) {
          const events = batch(`other${i}`, 1)
          expect((await post(EVENTS, { events }, o)).status).toBe(202)
          otherSent.push(...events)
        }
        expect(normalized(await eventsOf((await profileOf({ visitor_id: other })).id))).toEqual(asStored(otherSent))
      })
    })

    describe("409s", () => {
      it("consent write race: the step records on a live profile; on one erased or merged under it, a 409 'retry the request' that writes nothing", async () => {
        const container = getContainer()
        const visitor = `race-${Date.now()}`
        const headers = { "x-publishable-api-key": pk, "x-visitor-id": visitor }
        expect((await api.post(CONSENT, { purposes: { analytics: "granted" } }, { headers, ...ok })).status).toBe(200)
        const [profile] = await sql<{ id: string }>(container, `SELECT id FROM personalization_customer_profile WHERE visitor_id = $1 AND deleted_at IS NULL`, [visitor])
        const ledger = async () =>
          (await sql<{ n: number }>(container, `SELECT count(*)::int AS n FROM personalization_consent_record WHERE profile_id = $1`, [profile.id]))[0].n
        const input = { profile_id: profile.id, decisions: [{ purpose: "marketing", status: "granted" as const }], source: "store" as const, now: new Date() }

        // allowed: a live profile gets the decision and its ledger row
        const before = await ledger()
        await recordConsentOnlyWorkflow(container).run({ input })
        expect(await ledger()).toBe(before + 1)
        const [live] = await sql<{ consent: any }>(container, `SELECT consent FROM personalization_customer_profile WHERE id = $1`, [profile.id])
        expect(live.consent.marketing.status).toBe("granted")

        // refused: the profile is erased (soft-deleted, as erasure and merges do) before the step's locked read
        await sql(container, `UPDATE personalization_customer_profile SET deleted_at = now() WHERE id = $1`, [profile.id])
        const { errors } = await recordConsentOnlyWorkflow(container).run({ input: { ...input, decisions: [{ purpose: "marketing", status: "withdrawn" }] }, throwOnError: false })
        expect(errors).toHaveLength(1)
        expect((errors[0].error as any).type).toBe("conflict")
        expect(conflictMessage(errors[0].error)).toBe("profile: the subject's profile was erased or merged concurrently; retry the request")
        expect(await ledger()).toBe(before + 1) // nothing written
        const [gone] = await sql<{ consent: any }>(container, `SELECT consent FROM personalization_customer_profile WHERE id = $1`, [profile.id])
        expect(gone.consent.marketing.status).toBe("granted")
      })

      it("deleting a segment whose discounts were un-gated really deletes it (segment, memberships, group); other segments' gates stay", async () => {
        const member = await consented("member@delete-a.example")
        const a = await createSegment("delete-a", "email_domain = 'delete-a.example'")
        const b = await createSegment("delete-b", "email_domain = 'delete-b.example'")
        await inGroups(member, [a.customer_group_id])
        expect(await openMembers(a.id)).toHaveLength(1)

        const promotions = getContainer().resolve(Modules.PROMOTION)
        const promo = (code: string) =>
          promotions.createPromotions({
            code,
            type: "standard",
            status: "active",
            is_automatic: false,
            application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
          })
        const gatedA = await promo("GUARDS-A10")
        const gatedB = await promo("GUARDS-B10")
        expect((await adminPost(`${SEGMENTS}/${a.id}/gate`, { promotion_id: gatedA.id })).status).toBe(200)
        expect((await adminPost(`${SEGMENTS}/${b.id}/gate`, { promotion_id: gatedB.id })).status).toBe(200)

        // Refused while A's group gates a promotion: nothing is deleted.
        const refused = await del(`${SEGMENTS}/${a.id}`, admin)
        expect(refused.status).toBe(409)
        expect(refused.data.message).toContain("GUARDS-A10")
        expect(refused.data.message).not.toContain("GUARDS-B10")
        expect((await adminGet(`${SEGMENTS}/${a.id}`)).status).toBe(200)

        // The merchant removes the group rule from A's promotion (Medusa's own admin route) …
        const rules = await adminGet(`/admin/promotions/${gatedA.id}?fields=id,*rules`)
        const groupRule = rules.data.promotion.rules.find((r: any) => r.attribute === "customer.groups.id")
        expect(groupRule).toBeDefined()
        const ungated = await adminPost(`/admin/promotions/${gatedA.id}/rules/batch`, { delete: [groupRule.id] })
        expect(ungated.status).toBe(200)

        // … and the delete goes through: segment, membership history and managed group are gone.
        const deleted = await del(`${SEGMENTS}/${a.id}`, admin)
        expect(deleted.status).toBe(200)
        expect(deleted.data).toEqual({ id: a.id, object: "segment", deleted: true })
        expect((await adminGet(`${SEGMENTS}/${a.id}`)).status).toBe(404)
        expect(await count(getContainer(), "personalization_segment_membership", "segment_id = $1 AND deleted_at IS NULL", [a.id])).toBe(0)
        const [groupA] = await sql<{ deleted_at: Date | null }>(getContainer(), `SELECT deleted_at FROM customer_group WHERE id = $1`, [a.customer_group_id])
        expect(groupA.deleted_at).toBeTruthy()
        expect(await groupsOf(member.customerId)).toEqual([])
        const audit = await sql<{ target_id: string }>(getContainer(), `SELECT target_id FROM personalization_audit_log WHERE action = 'segment.deleted'`)
        expect(audit).toEqual([{ target_id: a.id }])

        // B and its gate are untouched; A's promotion still exists, ungated.
        expect((await adminGet(`${SEGMENTS}/${b.id}`)).data.segment).toMatchObject({ id: b.id, customer_group_id: b.customer_group_id })
        const groupValues = async (id: string) => {
          const [p] = await promotions.listPromotions({ id: [id] }, { relations: ["rules", "rules.values"] })
          return (p.rules ?? []).filter((r) => r.attribute === "customer.groups.id").flatMap((r) => (r.values ?? []).map((v) => v.value))
        }
        expect(await groupValues(gatedB.id)).toEqual([b.customer_group_id])
        expect(await groupValues(gatedA.id)).toEqual([])
      })

      it("one running experiment per target: a second is a 409; once the first is stopped the target takes a new one", async () => {
        const seg = await createSegment("experiment-target", "email_domain = 'experiment-target.example'")
        const promotion = await getContainer()
          .resolve(Modules.PROMOTION)
          .createPromotions({
            code: "GUARDS-EXP",
            type: "standard",
            status: "active",
            is_automatic: false,
            application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
          })
        expect((await adminPost(`${SEGMENTS}/${seg.id}/gate`, { promotion_id: promotion.id })).status).toBe(200)
        const body = (name: string, salt: string) => ({ name, target_type: "promotion", target_id: promotion.id, holdout_percent: 20, salt })
        const first = await adminPost("/admin/personalization/experiments", body("first", "guards-salt-first"))
        expect(first.status).toBe(201)
        const firstId = first.data.experiment.id

        const second = await adminPost("/admin/personalization/experiments", body("second", "guards-salt-second"))
        expect(second.status).toBe(409)
        expect(second.data.message).toBe(`experiment '${firstId}' is already running on promotion '${promotion.id}'; stop it first`)
        expect((await adminGet(`/admin/personalization/experiments?target_id=${promotion.id}`)).data.count).toBe(1)

        expect((await adminPost(`/admin/personalization/experiments/${firstId}/stop`, {})).status).toBe(200)
        const third = await adminPost("/admin/personalization/experiments", body("third", "guards-salt-third"))
        expect(third.status).toBe(201)
        expect(third.data.experiment).toMatchObject({ name: "third", status: "running", target_id: promotion.id, holdout_percent: 20 })
        const list = await adminGet(`/admin/personalization/experiments?target_id=${promotion.id}`)
        expect(list.data.experiments.map((e: any) => [e.name, e.status])).toEqual([
          ["third", "running"],
          ["first", "stopped"],
        ])
        expect((await adminPost(`/admin/personalization/experiments/${third.data.experiment.id}/stop`, {})).status).toBe(200)
      })
    })

    describe("rule cycle checks", () => {
      it("references that form no cycle save and evaluate (a diamond: c → a, c → b → a); closing a cycle is a 400 that changes nothing", async () => {
        const a = await createSegment("diamond-a", "email_domain = 'diamond.example'")
        const b = await createSegment("diamond-b", "segment('diamond-a')")
        const c = await createSegment("diamond-c", "segment('diamond-a') AND segment('diamond-b')")
        expect(c.rule_text).toBe("segment('diamond-a') AND segment('diamond-b')")
        const shopper = await consented("one@diamond.example")
        await inGroups(shopper, [a.customer_group_id, b.customer_group_id, c.customer_group_id])
        const profile = await profileOf({ customer_id: shopper.customerId })
        for (const s of [a, b, c]) expect(await openMembers(s.id)).toEqual([{ profile_id: profile.id, customer_id: shopper.customerId }])
        // The preview of the diamond's top counts the same member.
        const preview = await adminPost(`${SEGMENTS}/preview`, { rule_text: c.rule_text, segment_id: c.id })
        expect(preview.status).toBe(200)
        expect(preview.data.count).toBe(1)

        // Refused: a's rule naming c would close a → c → a; neither the save nor the preview accepts it.
        const cyclic = await adminPost(`${SEGMENTS}/${a.id}`, { rule_text: "segment('diamond-c')" })
        expect(cyclic.status).toBe(400)
        expect(cyclic.data.message).toMatch(/^rule_text: segment references form a cycle: diamond-a → diamond-c → diamond-a/)
        const cyclicPreview = await adminPost(`${SEGMENTS}/preview`, { rule_text: "segment('diamond-c')", segment_id: a.id })
        expect(cyclicPreview.status).toBe(400)
        expect(cyclicPreview.data.message).toMatch(/cycle/)
        expect((await adminGet(`${SEGMENTS}/${a.id}`)).data.segment).toMatchObject({ rule_text: "email_domain = 'diamond.example'", version: a.version })
        expect(await openMembers(a.id)).toHaveLength(1)
      })
    })

    describe("body validation", () => {
      it("a batch at every limit at once (100 events, properties of exactly 2,048 bytes) is accepted and stored as sent", async () => {
        const vid = visitor("bounds")
        const h = asVisitor(vid)
        expect((await post(CONSENT, { purposes: { personalization: "granted" } }, h)).status).toBe(200)
        const events = batch("bound", 100).map((e, i) => {
          const properties: Record<string, unknown> = { ...e.properties, pad: "" }
          // pad the properties to exactly the 2,048-byte limit as JSON
          properties.pad = "p".repeat(2048 - Buffer.byteLength(JSON.stringify(properties)))
          expect(Buffer.byteLength(JSON.stringify(properties))).toBe(2048)
          return { ...e, id: `bound-${String(i).padStart(3, "0")}`, properties }
        })
        const res = await post(EVENTS, { events }, h)
        expect(res.status).toBe(202)
        expect(res.data).toEqual({ accepted: 100, duplicates: 0, dropped_no_consent: 0, dropped_stale: 0 })
        expect(normalized(await eventsOf((await profileOf({ visitor_id: vid })).id))).toEqual(asStored(events))

        // One byte more in one event's properties is a 400 naming it, and nothing more is stored.
        const over = { ...events[7], id: "bound-over", properties: { ...events[7].properties, pad: `${events[7].properties.pad}p` } }
        const refused = await post(EVENTS, { events: [over] }, h)
        expect(refused.status).toBe(400)
        expect(refused.data.message).toContain("events.0.properties")
        expect(await count(getContainer(), "personalization_behavior_event", "client_id = 'bound-over'")).toBe(0)
      })
    })
  },
})
