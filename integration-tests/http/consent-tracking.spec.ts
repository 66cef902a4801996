// Issue #5, part 1: subjects, consent, storefront tracking, identity stitching — over HTTP, as a storefront does it.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ApiKeyType, Modules } from "@medusajs/framework/utils"
import { adminHeaders, customerHeaders, publishableKey } from "../helpers/auth"
import { count, productViews, visitorId } from "../helpers/privacy"
import { sql } from "../../src/lib/db/raw-sql"
import { seedDemoStore } from "../../src/scripts/demo/seed"
import { registerShopper, waitFor } from "../helpers/storefront"
import { evaluateTrackedSafely, trackedEvaluationCounts } from "../../src/lib/pipeline/evaluate-tracked"

jest.setTimeout(240_000)

const EVENTS = "/store/personalization/events"
const CONSENT = "/store/personalization/consent"

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let admin: Record<string, string>
    let pk: string
    const ok = { validateStatus: () => true }

    beforeAll(async () => {
      pk = await publishableKey(getContainer())
      admin = (await adminHeaders(getContainer())).headers
    })

    const asVisitor = (vid: string) => ({ "x-publishable-api-key": pk, "x-visitor-id": vid })
    const post = (url: string, body: unknown, headers: Record<string, string>) => api.post(url, body, { headers, ...ok })
    const get = (url: string, headers: Record<string, string>) => api.get(url, { headers, ...ok })

    async function segment(handle: string, rule_text: string, extra: Record<string, unknown> = {}) {
      const res = await api.post(
        "/admin/personalization/segments",
        { handle, name: handle, rule_text, status: "active", is_public: true, ...extra },
        { headers: admin }
      )
      return res.data.segment as { id: string; customer_group_id: string }
    }

    const profileOfVisitor = async (vid: string) =>
      (await sql<{ id: string }>(getContainer(), `SELECT * FROM personalization_customer_profile WHERE visitor_id = $1`, [vid]))[0]
    const openMembers = async (segmentId: string) =>
      sql<{ profile_id: string; customer_id: string | null }>(
        getContainer(),
        `SELECT profile_id, customer_id FROM personalization_segment_membership WHERE segment_id = $1 AND exited_at IS NULL AND deleted_at IS NULL`,
        [segmentId]
      )
    // Tracking answers before memberships are re-evaluated (a subscriber on personalization.events.tracked
    // does it): wait for the expected membership list instead of reading it right after the 202.
    const membersOf = async (segmentId: string, expected: { profile_id?: string; customer_id: string | null }[]) => {
      let last: unknown
      try {
        return await waitFor(async () => {
          const rows = await openMembers(segmentId)
          last = rows
          return rows.length === expected.length && expected.every((e, i) => (!e.profile_id || rows[i]?.profile_id === e.profile_id) && rows[i]?.customer_id === e.customer_id)
            ? rows
            : null
        }, `members of ${segmentId}`)
      } catch (e) {
        throw new Error(`${(e as Error).message}; last seen ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`)
      }
    }
    /** A completed evaluation of the profile started after `since` (evaluated_at = start of the last completed one). */
    const evaluatedSince = (profileId: string, since: Date | null) =>
      waitFor(async () => {
        const [row] = await sql<{ evaluated_at: Date | null }>(getContainer(), `SELECT evaluated_at FROM personalization_customer_profile WHERE id = $1`, [profileId])
        return row?.evaluated_at && (!since || new Date(row.evaluated_at) > since) ? new Date(row.evaluated_at) : null
      }, `an evaluation of ${profileId}`)

    // First in the suite on purpose: it reads the process-wide evaluation counters, so no earlier test's
    // evaluation may still be finishing.
    it("a burst of batches for one subject is answered at once and evaluated once (coalesced); re-evaluating is harmless", async () => {
      const container = getContainer()
      const seg = await segment("burst-lookers", "event('product_viewed', category = 'burst').count(last 24h) >= 8")
      const vid = visitorId("burst")
      const h = asVisitor(vid)
      await post(CONSENT, { purposes: { personalization: "granted" } }, h)
      const profile = (await profileOfVisitor(vid)) as any
      const N = 10
      const before = { ...trackedEvaluationCounts }

      // Hold the subject's evaluation lock (as a slow evaluation would) while the burst arrives: every batch
      // is stored and answered 202 without waiting for it, and each emits its own tracked message.
      const locking = container.resolve(Modules.LOCKING)
      const key = `personalization:profile-id:${profile.id}`
      await locking.acquire(key, { ownerId: "burst-test", expire: 120 })
      let answers: any[]
      try {
        answers = await Promise.all(
          Array.from({ length: N }, (_, i) => post(EVENTS, { events: productViews(1, "burst", `burst${i}`) }, h))
        )
        expect(answers.map((a) => a.status)).toEqual(Array(N).fill(202))
        expect(answers.map((a) => a.data.accepted)).toEqual(Array(N).fill(1))
        expect(await count(container, "personalization_behavior_event", "profile_id = $1", [profile.id])).toBe(N)
        expect(await openMembers(seg.id)).toHaveLength(0) // nothing evaluated while the lock is held
      } finally {
        await locking.release(key, { ownerId: "burst-test" })
      }

      await membersOf(seg.id, [{ profile_id: profile.id, customer_id: null }])
      const delta = () => ({
        evaluated: trackedEvaluationCounts.evaluated - before.evaluated,
        skipped: trackedEvaluationCounts.skipped - before.skipped,
        failed: trackedEvaluationCounts.failed - before.failed,
      })
      await waitFor(async () => delta().evaluated + delta().skipped + delta().failed === N, `all ${N} tracked messages handled`)
      // The first evaluation to get the lock started after every batch was stored: it saw all N and the other
      // N-1 messages were skipped (before or after waiting for the lock).
      expect(delta()).toEqual({ evaluated: 1, skipped: N - 1, failed: 0 })
      const [stamped] = await sql<{ evaluated_at: Date }>(container, `SELECT evaluated_at FROM personalization_customer_profile WHERE id = $1`, [profile.id])
      expect(stamped.evaluated_at).toBeTruthy()

      // A redelivered message (a queue retry after a worker died) for a batch already covered is skipped;
      // forced re-evaluations (no batch time) run and change nothing: still one open membership, one row.
      expect(await evaluateTrackedSafely(container, { profile_id: profile.id, at: "2020-01-01T00:00:00Z" })).toBe("skipped")
      expect(await evaluateTrackedSafely(container, { profile_id: profile.id, at: null })).toBe("evaluated")
      expect(await evaluateTrackedSafely(container, { profile_id: profile.id, at: null })).toBe("evaluated")
      expect(await count(container, "personalization_segment_membership", "segment_id = $1", [seg.id])).toBe(1)
      expect(await openMembers(seg.id)).toEqual([{ profile_id: profile.id, customer_id: null }])
    })

    it("bad input is a 400 naming the field, and nothing is stored", async () => {
      const vid = visitorId("bad")
      const h = asVisitor(vid)
      await post(CONSENT, { purposes: { personalization: "granted" } }, h)
      const cases: [unknown, string][] = [
        [{ events: productViews(101, "x") }, "events: "],
        [{ events: [{ id: "a1", type: "clicked_thing" }] }, "events.0.type"],
        [{ events: [{ id: "a1", type: "product_viewed", occurred_at: new Date(Date.now() + 3_600_000).toISOString() }] }, "events.0.occurred_at"],
        [{ events: [{ id: "a1", type: "product_viewed", occurred_at: "yesterday" }] }, "events.0.occurred_at"],
        [{ events: [{ id: "a1", type: "product_viewed", properties: { blob: "x".repeat(3000) } }] }, "events.0.properties"],
        [{ events: [{ id: "a1", type: "product_viewed", properties: { s: "a\u0000b" } }] }, "events.0.properties"],
        [{ events: [{ id: "", type: "product_viewed" }] }, "events.0.id"],
        [{ events: [{ id: "a1", type: "product_viewed", extra: 1 }] }, "events.0.extra"],
        [{ events: [{ id: "a1", type: "product_viewed" }], context: { country: "Netherlands" } }, "context.country"],
        [{ events: "nope" }, "events"],
        [{}, "events"],
      ]
      for (const [body, field] of cases) {
        const res = await post(EVENTS, body, h)
        expect({ field, status: res.status }).toEqual({ field, status: 400 })
        expect(res.data.message).toContain(field)
      }
      // Malformed visitor id
      for (const bad of ["short", "has space in it", "x".repeat(65), "semi;colon!"]) {
        const res = await post(EVENTS, { events: productViews(1, "x") }, asVisitor(bad))
        expect(res.status).toBe(400)
        expect(res.data.message).toMatch(/^x-visitor-id: /)
      }
      // 2 MiB body: 413 naming body (issue #21)
      const huge = JSON.stringify({ events: [{ id: "big", type: "product_viewed", properties: { s: "y".repeat(2 * 1024 * 1024) } }] })
      const big = await api.post(EVENTS, huge, { headers: { ...h, "content-type": "application/json" }, ...ok, maxBodyLength: Infinity })
      expect(big.status).toBe(413)
      expect(big.data.message).toMatch(/^body: /)
      // Wrong JSON
      const broken = await api.post(EVENTS, '{"events": [', { headers: { ...h, "content-type": "application/json" }, ...ok })
      expect(broken.status).toBe(400)
      expect(broken.data.message).toMatch(/^body: /)
      // Consent: unknown purpose, bad status
      const unknown = await post(CONSENT, { purposes: { marketing: "granted", telepathy: "granted" } }, h)
      expect(unknown.status).toBe(400)
      expect(unknown.data.message).toContain("purposes.telepathy")
      const status = await post(CONSENT, { purposes: { marketing: "maybe" } }, h)
      expect(status.status).toBe(400)
      expect(status.data.message).toContain("purposes.marketing")
      // No subject at all
      const none = await post(EVENTS, { events: productViews(1, "x") }, { "x-publishable-api-key": pk })
      expect(none.status).toBe(400)
      expect(none.data.message).toContain("x-visitor-id")

      expect(await count(getContainer(), "personalization_behavior_event")).toBe(0)
      const consent = (await profileOfVisitor(vid) as any).consent
      expect(Object.keys(consent)).toEqual(["personalization"]) // the failed consent posts changed nothing
    })

    it("without consent nothing is stored; with consent 3 views in a category put the visitor in the segment (evaluated after the 202)", async () => {
      const seg = await segment("electronics-browsers", "event('product_viewed', category = 'electronics').count(last 24h) >= 3")
      const vid = visitorId("track")
      const h = asVisitor(vid)

      const dropped = await post(EVENTS, { events: productViews(3, "electronics") }, h)
      expect(dropped.status).toBe(202)
      expect(dropped.data).toEqual({ accepted: 0, duplicates: 0, dropped_no_consent: 3, dropped_stale: 0 })
      expect(await count(getContainer(), "personalization_behavior_event")).toBe(0)
      expect(await profileOfVisitor(vid)).toBeUndefined()

      const consent = await post(CONSENT, { purposes: { personalization: "granted", analytics: "denied" }, policy_version: "v1" }, h)
      expect(consent.status).toBe(200)
      expect(consent.data.consent.personalization.status).toBe("granted")
      expect(consent.data.consent.analytics.status).toBe("denied")
      expect(consent.data.consent.marketing.status).toBeNull()
      expect((await get(CONSENT, h)).data.consent).toEqual(consent.data.consent)

      const two = productViews(2, "electronics")
      const done = () => trackedEvaluationCounts.evaluated + trackedEvaluationCounts.skipped + trackedEvaluationCounts.failed
      const doneBefore = done()
      const first = await post(EVENTS, { events: two, context: { device_type: "mobile", country: "nl" } }, h)
      expect(first.data).toEqual({ accepted: 2, duplicates: 0, dropped_no_consent: 0, dropped_stale: 0 })
      // The consent post evaluated the profile once; wait for the evaluation the 2 views asked for, which
      // must not make the visitor a member.
      const consentedProfile = (await profileOfVisitor(vid)) as any
      const afterConsent = consentedProfile.evaluated_at ? new Date(consentedProfile.evaluated_at) : null
      await evaluatedSince(consentedProfile.id, afterConsent)
      await waitFor(async () => done() > doneBefore, "the tracked evaluation to finish")
      expect(await openMembers(seg.id)).toHaveLength(0)

      const old = new Date(Date.now() - 8 * 86_400_000).toISOString()
      const third = await post(
        EVENTS,
        { events: [...two, ...productViews(1, "electronics", "third"), { id: "stale-1", type: "page_viewed", occurred_at: old }] },
        h
      )
      expect(third.data).toEqual({ accepted: 1, duplicates: 2, dropped_no_consent: 0, dropped_stale: 1 })
      const profile = (await profileOfVisitor(vid)) as any
      expect(await membersOf(seg.id, [{ profile_id: profile.id, customer_id: null }])).toEqual([{ profile_id: profile.id, customer_id: null }])
      expect(await count(getContainer(), "personalization_behavior_event", "profile_id = $1", [profile.id])).toBe(3)
      expect(profile.last_seen_at).toBeTruthy()
      expect(profile.traits).toMatchObject({ device_type: "mobile", geo_country: "NL" })
      expect(profile.country).toBe("NL")

      const me = await get("/store/personalization/me", h)
      expect(me.data.segments).toEqual([{ handle: "electronics-browsers", name: "electronics-browsers" }])
      expect(me.data.subject).toEqual({ type: "visitor" })

      // Custom x_* types are accepted; a concurrent resend of the same batch stores each id once.
      const custom = [{ id: "c-1", type: "x_newsletter_click", properties: { campaign: "spring" } }]
      const results = await Promise.all([1, 2, 3].map(() => post(EVENTS, { events: custom }, h)))
      expect(results.map((r) => r.data.accepted).reduce((a, b) => a + b)).toBe(1)
      expect(await count(getContainer(), "personalization_behavior_event", "profile_id = $1", [profile.id])).toBe(4)
    })

    it("withdrawal removes the subject from every segment needing that purpose and deletes its behaviour", async () => {
      const container = getContainer()
      const behaviour = await segment("browsers", "event('product_viewed', category = 'shoes').count(last 7d) >= 1")
      const everyone = await segment("seen", "last_seen_at is not null")
      const newsletter = await segment("newsletter", "last_seen_at is not null", { purpose: "marketing" })
      const { customer, headers } = await customerHeaders(container, "withdraw@example.com")
      const h = { "x-publishable-api-key": pk, ...headers }

      await post(CONSENT, { purposes: { personalization: "granted", marketing: "granted" } }, h)
      const tracked = await post(EVENTS, { events: productViews(2, "shoes") }, h)
      expect(tracked.data.accepted).toBe(2)
      const [profile] = await sql<{ id: string }>(container, `SELECT id FROM personalization_customer_profile WHERE customer_id = $1`, [customer.id])
      for (const s of [behaviour, everyone, newsletter]) await membersOf(s.id, [{ profile_id: profile.id, customer_id: customer.id }])
      const groupsOf = async () =>
        (await container.resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_id: customer.id })).map((l) => l.customer_group_id).sort()
      const allThree = [behaviour, everyone, newsletter].map((s) => s.customer_group_id).sort()
      await waitFor(async () => JSON.stringify(await groupsOf()) === JSON.stringify(allThree), "the managed groups")
      expect(await groupsOf()).toEqual(allThree)

      // Marketing withdrawn: out of the marketing segment (and its group) at once, the rest untouched.
      await post(CONSENT, { purposes: { marketing: "withdrawn" } }, h)
      expect(await openMembers(newsletter.id)).toHaveLength(0)
      expect(await openMembers(everyone.id)).toHaveLength(1)
      expect(await groupsOf()).toEqual([behaviour, everyone].map((s) => s.customer_group_id).sort())

      // Personalization withdrawn: out of every personalization segment; events and behavioural memberships deleted.
      const res = await post(CONSENT, { purposes: { personalization: "withdrawn" } }, h)
      expect(res.status).toBe(200)
      expect(await openMembers(behaviour.id)).toHaveLength(0)
      expect(await openMembers(everyone.id)).toHaveLength(0)
      expect(await groupsOf()).toEqual([])
      expect(await count(container, "personalization_behavior_event", "profile_id = $1", [profile.id])).toBe(0)
      expect(await count(container, "personalization_segment_membership", "segment_id = $1", [behaviour.id])).toBe(0)
      // Non-behavioural history stays (closed stay with a reason).
      const history = await sql<{ exit_reason: string }>(
        container,
        `SELECT exit_reason FROM personalization_segment_membership WHERE segment_id = $1`,
        [everyone.id]
      )
      expect(history).toEqual([{ exit_reason: "no consent for 'personalization'" }])
      // The ledger keeps every decision.
      const ledger = await sql<{ purpose: string; status: string }>(
        container,
        `SELECT purpose, status FROM personalization_consent_record WHERE customer_id = $1 ORDER BY recorded_at, purpose`,
        [customer.id]
      )
      expect(ledger).toEqual([
        { purpose: "marketing", status: "granted" },
        { purpose: "personalization", status: "granted" },
        { purpose: "marketing", status: "withdrawn" },
        { purpose: "personalization", status: "withdrawn" },
      ])
      // And nothing more is stored.
      const after = await post(EVENTS, { events: productViews(1, "shoes") }, h)
      expect(after.data).toMatchObject({ accepted: 0, dropped_no_consent: 1 })
      expect((await get("/store/personalization/me", h)).data.segments).toEqual([])

      const ledgerRead = await api.get(`/admin/personalization/customers/${customer.id}/consent`, { headers: admin })
      expect(ledgerRead.data.records).toHaveLength(4)
      expect(ledgerRead.data.consent.personalization.status).toBe("withdrawn")
      const unknownCustomer = await api.get(`/admin/personalization/customers/cus_nope/consent`, { headers: admin, ...ok })
      expect(unknownCustomer.status).toBe(404)
    })

    it("visitor → login merge carries events and consent; memberships recomputed for the customer; a visitor id merges once", async () => {
      const container = getContainer()
      const seg = await segment("sofa-lookers", "event('product_viewed', category = 'sofas').count(last 24h) >= 3")
      const vid = visitorId("merge")
      const v = asVisitor(vid)
      await post(CONSENT, { purposes: { personalization: "granted", marketing: "granted" } }, v)
      await post(EVENTS, { events: productViews(3, "sofas") }, v)
      const visitor = (await profileOfVisitor(vid)) as any
      await membersOf(seg.id, [{ profile_id: visitor.id, customer_id: null }])

      const { customer, headers } = await customerHeaders(container, "merge@example.com")
      const c = { "x-publishable-api-key": pk, ...headers }
      // The customer decided on marketing later than the visitor did: their decision wins.
      await new Promise((r) => setTimeout(r, 20))
      await post(CONSENT, { purposes: { marketing: "denied" } }, c)

      const merged = await post("/store/personalization/identify", {}, { ...c, "x-visitor-id": vid })
      expect(merged.status).toBe(200)
      expect(merged.data).toEqual({ merged: true, events_moved: 3, events_dropped: 0 })

      const [profile] = await sql<any>(container, `SELECT * FROM personalization_customer_profile WHERE customer_id = $1`, [customer.id])
      expect(profile.consent.personalization.status).toBe("granted")
      expect(profile.consent.marketing.status).toBe("denied")
      expect(await count(container, "personalization_behavior_event", "profile_id = $1", [profile.id])).toBe(3)
      expect(await count(container, "personalization_behavior_event", "profile_id = $1", [visitor.id])).toBe(0)
      expect(await openMembers(seg.id)).toEqual([{ profile_id: profile.id, customer_id: customer.id }])
      const links = await container.resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_id: customer.id })
      expect(links.map((l) => l.customer_group_id)).toEqual([seg.customer_group_id])
      const tomb = (await profileOfVisitor(vid)) as any
      expect(tomb.merged_into_id).toBe(profile.id)
      const audit = await sql<any>(container, `SELECT * FROM personalization_audit_log WHERE action = 'profile.merged'`)
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({ target_id: customer.id, actor_type: "customer", actor_id: customer.id })

      // Idempotent for the same customer; refused for another; the retired id no longer works anonymously.
      const again = await post("/store/personalization/identify", {}, { ...c, "x-visitor-id": vid })
      expect(again.data).toMatchObject({ merged: false, reason: "already_merged" })
      const other = await customerHeaders(container, "other@example.com")
      const stolen = await post("/store/personalization/identify", {}, { "x-publishable-api-key": pk, ...other.headers, "x-visitor-id": vid })
      expect(stolen.status).toBe(409)
      expect(stolen.data.message).toMatch(/^x-visitor-id: /)
      const anon = await post(EVENTS, { events: productViews(1, "sofas") }, v)
      expect(anon.status).toBe(409)
      const anonMe = await get("/store/personalization/me", v)
      expect(anonMe.data).toEqual({
        subject: { type: "visitor" },
        segments: [],
        consent: { personalization: { status: null, recorded_at: null }, analytics: { status: null, recorded_at: null }, marketing: { status: null, recorded_at: null } },
      })
      // The customer sees their segment.
      expect((await get("/store/personalization/me", c)).data.segments).toEqual([{ handle: "sofa-lookers", name: "sofa-lookers" }])
      // identify needs a customer token.
      expect((await post("/store/personalization/identify", {}, v)).status).toBe(401)
    })

    it("a guest cart transferred to a customer merges the visitor named in the cart's metadata", async () => {
      const container = getContainer()
      const vid = visitorId("cart")
      await post(CONSENT, { purposes: { personalization: "granted" } }, asVisitor(vid))
      await post(EVENTS, { events: productViews(2, "lamps") }, asVisitor(vid))
      const { customer } = await customerHeaders(container, "cart@example.com")
      const region = await container.resolve(Modules.REGION).createRegions({ name: "EU", currency_code: "eur" })
      const cart = await container.resolve(Modules.CART).createCarts({
        currency_code: "eur",
        region_id: region.id,
        metadata: { personalization_visitor_id: vid },
      })
      await container.resolve(Modules.EVENT_BUS).emit({ name: "cart.customer_transferred", data: { id: cart.id, customer_id: customer.id } })
      const started = Date.now()
      let moved = 0
      while (Date.now() - started < 30_000) { // generous: a busy CI box delays the subscriber, a pass returns at once
        moved = await count(
          container,
          "personalization_behavior_event e JOIN personalization_customer_profile p ON p.id = e.profile_id",
          "p.customer_id = $1",
          [customer.id]
        )
        if (moved === 2) break
        await new Promise((r) => setTimeout(r, 100))
      }
      expect(moved).toBe(2)
    })

    it("Medusa's own cart transfer with x-visitor-id merges the visitor after the transfer succeeds", async () => {
      const container = getContainer()
      const seeded = await seedDemoStore(container, { customers: 1, products: 2, admin: false, segments: false, log: () => {} })
      const spk = seeded.publishableKey
      const vid = visitorId("xfer")
      const v = { "x-publishable-api-key": spk, "x-visitor-id": vid }
      await post(CONSENT, { purposes: { personalization: "granted" } }, v)
      await post(EVENTS, { events: productViews(2, "rugs") }, v)
      const { data } = await api.post("/store/carts", { region_id: seeded.regionId }, { headers: v })
      const shopper = await registerShopper(api, spk, "transfer@example.com")
      const transferred = await api.post(`/store/carts/${data.cart.id}/customer`, {}, { headers: { ...shopper.headers, "x-visitor-id": vid }, ...ok })
      expect(transferred.status).toBe(200)
      expect(transferred.data.cart.customer_id).toBe(shopper.customerId)
      await waitFor(
        async () =>
          (await count(
            container,
            "personalization_behavior_event e JOIN personalization_customer_profile p ON p.id = e.profile_id",
            "p.customer_id = $1",
            [shopper.customerId]
          )) === 2,
        "events moved to the customer"
      )
      // A malformed header never disturbs the transfer.
      const other = await api.post("/store/carts", { region_id: seeded.regionId }, { headers: { "x-publishable-api-key": spk } })
      const again = await api.post(`/store/carts/${other.data.cart.id}/customer`, {}, { headers: { ...shopper.headers, "x-visitor-id": "bad id!" }, ...ok })
      expect(again.status).toBe(200)
    })

    it("server-to-server events: admin token or secret API key, customer or visitor, same rules", async () => {
      const container = getContainer()
      const { customer, headers } = await customerHeaders(container, "s2s@example.com")
      const body = { customer_id: customer.id, events: [{ id: "open-1", type: "x_email_opened", properties: { campaign: "c1" } }] }
      const noConsent = await api.post("/admin/personalization/events", body, { headers: admin })
      expect(noConsent.data).toEqual({ accepted: 0, duplicates: 0, dropped_no_consent: 1, dropped_stale: 0 })
      await post(CONSENT, { purposes: { personalization: "granted" } }, { "x-publishable-api-key": pk, ...headers })

      const secret = await container.resolve(Modules.API_KEY).createApiKeys({ title: "esp", type: ApiKeyType.SECRET, created_by: "test" })
      const basic = { authorization: `Basic ${Buffer.from(`${secret.token}:`).toString("base64")}` }
      const stored = await api.post("/admin/personalization/events", body, { headers: basic })
      expect(stored.data.accepted).toBe(1)

      const bad = await api.post("/admin/personalization/events", { events: body.events }, { headers: admin, ...ok })
      expect(bad.status).toBe(400)
      expect(bad.data.message).toContain("customer_id")
      const unknown = await api.post("/admin/personalization/events", { ...body, customer_id: "cus_missing" }, { headers: admin, ...ok })
      expect(unknown.status).toBe(404)
      const anonymous = await api.post("/admin/personalization/events", body, { ...ok })
      expect(anonymous.status).toBe(401)
    })
  },
})
