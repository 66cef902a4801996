// Issue #5, part 2: GDPR export/erase (store and admin), erasure on customer.deleted, audit log, retention,
// and the isolation property: no store response ever carries another subject's data.
import path from "path"
import fc from "fast-check"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { generateEntityId, Modules } from "@medusajs/framework/utils"
import { deleteCustomersWorkflow } from "@medusajs/medusa/core-flows"
import { adminHeaders, customerHeaders, publishableKey } from "../helpers/auth"
import { count, evaluationSettled, productViews, rowsAbout, visitorId } from "../helpers/privacy"
import { sql } from "../../src/lib/db/raw-sql"
import { retentionPurgeWorkflow } from "../../src/workflows/privacy/retention-purge"

jest.setTimeout(600_000)

const EVENTS = "/store/personalization/events"
const CONSENT = "/store/personalization/consent"
const DATA = "/store/personalization/me/data"

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let admin: Record<string, string>
    let adminUserId: string
    let pk: string
    const ok = { validateStatus: () => true }

    beforeAll(async () => {
      pk = await publishableKey(getContainer())
      const a = await adminHeaders(getContainer())
      admin = a.headers
      adminUserId = a.user.id
    })

    const post = (url: string, body: unknown, headers: Record<string, string>) => api.post(url, body, { headers, ...ok })
    const get = (url: string, headers: Record<string, string>) => api.get(url, { headers, ...ok })
    const del = (url: string, headers: Record<string, string>) => api.delete(url, { headers, ...ok })

    async function segment(handle: string, rule_text: string) {
      const res = await api.post(
        "/admin/personalization/segments",
        { handle, name: handle, rule_text, status: "active", is_public: true },
        { headers: admin }
      )
      return res.data.segment as { id: string; customer_group_id: string }
    }

    const profileIds = async (customerId: string) =>
      (
        await sql<{ id: string }>(
          getContainer(),
          `SELECT id FROM personalization_customer_profile WHERE customer_id = $1
           UNION SELECT id FROM personalization_customer_profile
            WHERE merged_into_id IN (SELECT id FROM personalization_customer_profile WHERE customer_id = $1)`,
          [customerId]
        )
      ).map((r) => r.id)

    /** A customer with consent, behaviour, memberships, a merged visitor and a merchant-made group. */
    async function richCustomer(email: string, category: string) {
      const container = getContainer()
      const { customer, headers } = await customerHeaders(container, email)
      const c = { "x-publishable-api-key": pk, ...headers }
      const vid = visitorId("rich")
      const v = { "x-publishable-api-key": pk, "x-visitor-id": vid }
      await post(CONSENT, { purposes: { personalization: "granted" } }, v)
      await post(EVENTS, { events: productViews(3, category, `visitor-${email}`) }, v)
      await post(CONSENT, { purposes: { personalization: "granted", marketing: "granted" } }, c)
      await post(EVENTS, { events: productViews(2, category, `customer-${email}`) }, c)
      // The visitor's memberships are evaluated after the 202: let that finish, so the merge closes a real stay.
      const [visitor] = await sql<{ id: string }>(container, `SELECT id FROM personalization_customer_profile WHERE visitor_id = $1`, [vid])
      await evaluationSettled(container, visitor.id)
      const merged = await post("/store/personalization/identify", {}, { ...c, "x-visitor-id": vid })
      expect(merged.data.merged).toBe(true)
      const customers = container.resolve(Modules.CUSTOMER)
      const group = await customers.createCustomerGroups({ name: `VIP ${email}` })
      await customers.addCustomerToGroup({ customer_id: customer.id, customer_group_id: group.id })
      return { customer, headers: c, vid, merchantGroupId: group.id }
    }

    it("export returns everything held about the customer and nothing about anyone else; erase leaves only the withdrawal record", async () => {
      const container = getContainer()
      const seg = await segment("chair-fans", "event('product_viewed', category = 'chairs').count(last 24h) >= 3")
      const a = await richCustomer("alice@alpha.example", "chairs")
      const b = await richCustomer("bob@beta.example", "chairs")
      const aProfiles = await profileIds(a.customer.id)
      const bProfiles = await profileIds(b.customer.id)
      expect(aProfiles).toHaveLength(2)

      expect((await get(DATA, { "x-publishable-api-key": pk })).status).toBe(401)
      expect((await del(DATA, { "x-publishable-api-key": pk, "x-visitor-id": a.vid })).status).toBe(401)

      const { data } = await get(DATA, a.headers)
      expect(data.customer_id).toBe(a.customer.id)
      expect(data.profile.customer_id).toBe(a.customer.id)
      expect(data.profile.email_domain).toBe("alpha.example")
      expect(data.traits).toBeDefined()
      expect(data.merged_visitor_profiles.map((p: any) => p.visitor_id)).toEqual([a.vid])
      expect(data.events).toHaveLength(5)
      expect(new Set(data.events.map((e: any) => e.profile_id))).toEqual(new Set([data.profile.id]))
      expect(data.memberships.map((m: any) => [m.segment_handle, m.exited_at === null])).toEqual(
        expect.arrayContaining([["chair-fans", true]])
      )
      expect(data.memberships.some((m: any) => m.exit_reason === "merged into customer profile")).toBe(true) // the visitor's stay
      expect(data.consent.current.personalization.status).toBe("granted")
      expect(data.consent.ledger.map((r: any) => r.purpose).sort()).toEqual(["marketing", "personalization", "personalization"])
      const text = JSON.stringify(data)
      for (const secret of [b.customer.id, b.vid, ...bProfiles, "beta.example", "bob@"]) expect(text).not.toContain(secret)

      const groupsBefore = (await container.resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_id: a.customer.id }))
        .map((l) => l.customer_group_id)
        .sort()
      expect(groupsBefore).toEqual([a.merchantGroupId, seg.customer_group_id].sort())
      const bBefore = await rowsAbout(container, b.customer.id, bProfiles)

      const erased = await del(DATA, a.headers)
      expect(erased.status).toBe(200)
      expect(erased.data).toMatchObject({ erased: true, profiles: 2, events: 5, groups_unlinked: 1 })
      expect(await rowsAbout(container, a.customer.id, aProfiles)).toEqual({
        profiles: 0,
        events: 0,
        memberships: 0,
        consent_non_withdrawal: 0,
        audit: 0,
      })
      const withdrawals = await sql<{ purpose: string; status: string }>(
        container,
        `SELECT purpose, status FROM personalization_consent_record WHERE customer_id = $1 ORDER BY purpose`,
        [a.customer.id]
      )
      expect(withdrawals).toEqual(["analytics", "marketing", "personalization"].map((purpose) => ({ purpose, status: "withdrawn" })))
      const groupsAfter = await container.resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_id: a.customer.id })
      expect(groupsAfter.map((l) => l.customer_group_id)).toEqual([a.merchantGroupId])
      expect(await rowsAbout(container, b.customer.id, bProfiles)).toEqual(bBefore)
      const [segRow] = await sql<{ member_count: number }>(container, `SELECT member_count FROM personalization_segment WHERE id = $1`, [seg.id])
      expect(segRow.member_count).toBe(1)

      // After erasure the customer reads as a blank subject.
      const me = await get("/store/personalization/me", a.headers)
      expect(me.data.segments).toEqual([])
      const again = await get(DATA, a.headers)
      expect(again.data).toMatchObject({ profile: null, events: [], memberships: [], merged_visitor_profiles: [] })
    })

    it("admins export and erase a customer's profile; each read, export and erasure is audited; so is every segment change", async () => {
      const container = getContainer()
      const seg = await segment("desk-fans", "event('product_viewed', category = 'desks').count(last 24h) >= 1")
      await api.post(`/admin/personalization/segments/${seg.id}`, { description: "people who look at desks" }, { headers: admin })
      const a = await richCustomer("carol@gamma.example", "desks")

      expect((await api.get(`/admin/personalization/customers/cus_missing/profile`, { headers: admin, ...ok })).status).toBe(404)
      expect((await api.delete(`/admin/personalization/customers/cus_missing/profile`, { headers: admin, ...ok })).status).toBe(404)

      const exported = await api.get(`/admin/personalization/customers/${a.customer.id}/profile`, { headers: admin })
      expect(exported.data.events).toHaveLength(5)
      await api.get(`/admin/personalization/customers/${a.customer.id}/consent`, { headers: admin })
      const erased = await api.delete(`/admin/personalization/customers/${a.customer.id}/profile`, { headers: admin })
      expect(erased.data).toMatchObject({ erased: true, events: 5, groups_unlinked: 1 })

      const audit = await api.get(`/admin/personalization/audit?target_id=${a.customer.id}`, { headers: admin })
      expect(audit.data.entries.map((e: any) => e.action)).toEqual(["profile.erased", "consent.read", "profile.exported"])
      for (const e of audit.data.entries) expect(e).toMatchObject({ actor_type: "user", actor_id: adminUserId, target_type: "customer" })
      // The merge record (a system/customer action about the customer) was erased with the data.
      expect(await count(container, "personalization_audit_log", "action = 'profile.merged' AND target_id = $1", [a.customer.id])).toBe(0)

      const segmentAudit = await api.get(`/admin/personalization/audit?target_type=segment&target_id=${seg.id}`, { headers: admin })
      expect(segmentAudit.data.entries.map((e: any) => e.action)).toEqual(["segment.updated", "segment.created"])
      expect(segmentAudit.data.entries[0]).toMatchObject({ actor_id: adminUserId, details: { changed: ["description"], version: 2 } })

      const page = await api.get(`/admin/personalization/audit?actor_id=${adminUserId}&limit=2&offset=1`, { headers: admin })
      expect(page.data).toMatchObject({ count: 5, limit: 2, offset: 1 })
      expect(page.data.entries).toHaveLength(2)
      const byAction = await api.get(`/admin/personalization/audit?action=profile.exported&action=profile.erased`, { headers: admin })
      expect(byAction.data.count).toBe(2)
      const bad = await api.get(`/admin/personalization/audit?limit=0&colour=red`, { headers: admin, ...ok })
      expect(bad.status).toBe(400)
      expect(bad.data.message).toContain("limit")
      expect(bad.data.message).toContain("colour")
    })

    it("deleting a customer in Medusa erases their personalization data", async () => {
      const container = getContainer()
      const a = await richCustomer("dave@delta.example", "beds")
      const ids = await profileIds(a.customer.id)
      await deleteCustomersWorkflow(container).run({ input: { ids: [a.customer.id] } })
      const started = Date.now()
      let rows = await rowsAbout(container, a.customer.id, ids)
      while (rows.profiles + rows.events > 0 && Date.now() - started < 20_000) {
        await new Promise((r) => setTimeout(r, 200))
        rows = await rowsAbout(container, a.customer.id, ids)
      }
      expect(rows).toEqual({ profiles: 0, events: 0, memberships: 0, consent_non_withdrawal: 0, audit: 0 })
      expect(await count(container, "personalization_consent_record", "customer_id = $1 AND status = 'withdrawn'", [a.customer.id])).toBe(3)
    })

    it("retention deletes old events and inactive visitor profiles, set-based, and keeps the rest", async () => {
      const container = getContainer()
      const now = new Date()
      const old = new Date(now.getTime() - 200 * 86_400_000)
      const mk = async (values: Record<string, unknown>) => {
        const id = generateEntityId(undefined, "pprof")
        await sql(
          container,
          `INSERT INTO personalization_customer_profile (id, customer_id, visitor_id, last_seen_at, created_at) VALUES ($1, $2, $3, $4, $5)`,
          [id, values.customer_id ?? null, values.visitor_id ?? null, values.last_seen_at ?? null, values.created_at ?? now]
        )
        return id
      }
      const stale = await mk({ visitor_id: visitorId("stale"), last_seen_at: old, created_at: old })
      const fresh = await mk({ visitor_id: visitorId("fresh"), last_seen_at: now })
      const cust = await mk({ customer_id: "cus_retention_test", last_seen_at: old, created_at: old })
      const ev = async (profile: string, at: Date, n: number) => {
        for (let i = 0; i < n; i++) {
          await sql(
            container,
            `INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, occurred_at) VALUES ($1, $2, $3, 'page_viewed', $4)`,
            [generateEntityId(undefined, "pevt"), profile, `${profile}-${at.getTime()}-${i}`, at]
          )
        }
      }
      await ev(stale, old, 3)
      await ev(fresh, old, 2)
      await ev(fresh, now, 2)
      await ev(cust, old, 4)
      await ev(cust, now, 1)
      await sql(
        container,
        `INSERT INTO personalization_consent_record (id, profile_id, purpose, status, source, recorded_at) VALUES ($1, $2, 'personalization', 'granted', 'store', $3)`,
        [generateEntityId(undefined, "pcons"), stale, old]
      )
      const { result } = await retentionPurgeWorkflow(container).run({ input: { now } })
      expect(result).toMatchObject({ events: 9, visitor_profiles: 1, visitor_events: 0, visitor_consent_records: 1 })
      expect(await count(container, "personalization_customer_profile", "id = ANY($1::text[])", [[stale, fresh, cust]])).toBe(2)
      expect(await count(container, "personalization_behavior_event")).toBe(3)
      // Idempotent.
      const { result: again } = await retentionPurgeWorkflow(container).run({ input: { now } })
      expect(again).toMatchObject({ events: 0, visitor_profiles: 0 })
    })

    it("isolation: ≥ 2,000 random store requests never return another subject's ids, events or traits", async () => {
      const container = getContainer()
      await segment("iso-browsers", "event('product_viewed', category = 'iso').count(last 24h) >= 1")
      type Subject = { key: string; kind: "customer" | "visitor"; id: string; headers: Record<string, string>; secrets: string[] }
      const subjects: Subject[] = []
      for (const k of ["c1", "c2"]) {
        const email = `${k}@${k}-domain-${Math.random().toString(36).slice(2, 8)}.example`
        const { customer, headers } = await customerHeaders(container, email)
        subjects.push({ key: k, kind: "customer", id: customer.id, headers, secrets: [customer.id, email.split("@")[1], `m-${k}`, `ev-${k}-`] })
      }
      for (const k of ["v1", "v2", "v3", "v4"]) {
        const vid = visitorId(k)
        subjects.push({ key: k, kind: "visitor", id: vid, headers: { "x-visitor-id": vid }, secrets: [vid, `m-${k}`, `ev-${k}-`] })
      }
      const byKey = new Map(subjects.map((s) => [s.key, s]))
      // Who may see each subject's secrets: itself, and every customer it was ever merged into (an erasure
      // forgets the link, so the same visitor id may later merge into another customer).
      const ownersOf = new Map(subjects.map((s) => [s.key, new Set([s.key])]))
      for (const s of subjects.filter((s) => ["c1", "c2", "v1", "v2"].includes(s.key))) {
        await post(CONSENT, { purposes: { personalization: "granted" } }, { "x-publishable-api-key": pk, ...s.headers })
        await post(
          EVENTS,
          {
            events: [1, 2].map((i) => ({ id: `ev-${s.key}-seed-${i}`, type: "product_viewed", properties: { category: "iso", marker: `m-${s.key}` } })),
            context: { device_type: "tablet" },
          },
          { "x-publishable-api-key": pk, ...s.headers }
        )
        const ids = s.kind === "customer" ? await profileIds(s.id) : (await sql<{ id: string }>(container, `SELECT id FROM personalization_customer_profile WHERE visitor_id = $1`, [s.id])).map((r) => r.id)
        s.secrets.push(...ids)
      }

      type Req = { route: number; token: number; visitor: number; purpose: number; status: number; n: number }
      const reqArb = fc.record({
        route: fc.integer({ min: 0, max: 8 }),
        token: fc.integer({ min: 0, max: 3 }), // 0,1 → c1,c2; else none
        visitor: fc.integer({ min: 0, max: 5 }), // 0..3 → v1..v4; 4 → fresh; 5 → none
        purpose: fc.integer({ min: 0, max: 3 }),
        status: fc.integer({ min: 0, max: 2 }),
        n: fc.integer({ min: 1, max: 4 }),
      })
      let counter = 0
      const seen: { requester: string | null; text: string; status: number; route: string }[] = []

      async function issue(r: Req) {
        const customer = r.token < 2 ? byKey.get(`c${r.token + 1}`)! : null
        const visitor = r.visitor < 4 ? byKey.get(`v${r.visitor + 1}`)! : null
        const headers: Record<string, string> = { "x-publishable-api-key": pk }
        if (customer) Object.assign(headers, customer.headers)
        let freshKey: string | null = null
        if (visitor) headers["x-visitor-id"] = visitor.id
        else if (r.visitor === 4) {
          freshKey = `f${counter++}`
          headers["x-visitor-id"] = visitorId(freshKey)
        }
        const me = customer?.key ?? visitor?.key ?? freshKey
        const purposes = ["personalization", "analytics", "marketing", "personalization"]
        const statuses = ["granted", "withdrawn", "denied"]
        const events = Array.from({ length: r.n }, () => ({
          id: `ev-${me ?? "anon"}-${counter++}`,
          type: r.n % 2 ? "product_viewed" : "x_random_click",
          properties: { category: "iso", marker: `m-${me ?? "anon"}` },
        }))
        let res: { status: number; data: unknown }
        let route: string
        switch (r.route) {
          case 0: route = "GET me"; res = await get("/store/personalization/me", headers); break
          case 1: route = "GET consent"; res = await get(CONSENT, headers); break
          case 2: route = "POST consent"; res = await post(CONSENT, { purposes: { [purposes[r.purpose]]: statuses[r.status] } }, headers); break
          case 3: case 4: route = "POST events"; res = await post(EVENTS, { events, context: { device_type: "mobile" } }, headers); break
          case 5: case 6: route = "GET me/data"; res = await get(DATA, headers); break
          case 7: route = "POST identify"; res = await post("/store/personalization/identify", {}, headers); break
          default:
            // Erasure is rare: it empties a subject (no leak either way) but would starve the other routes.
            route = r.status === 0 && r.purpose === 0 ? "DELETE me/data" : "GET me"
            res = route === "DELETE me/data" ? await del(DATA, headers) : await get("/store/personalization/me", headers)
        }
        if (route === "POST identify" && customer && visitor && (res.data as any)?.merged === true) ownersOf.get(visitor.key)!.add(customer.key)
        seen.push({ requester: me, text: JSON.stringify(res.data), status: res.status, route })
      }

      const started = Date.now()
      await fc.assert(
        fc.asyncProperty(fc.array(reqArb, { minLength: 50, maxLength: 50 }), async (batch) => {
          for (let i = 0; i < batch.length; i += 5) await Promise.all(batch.slice(i, i + 5).map(issue))
        }),
        { numRuns: 40, seed: 20261126 }
      )
      const elapsed = Date.now() - started
      expect(seen.length).toBeGreaterThanOrEqual(2000)

      // Checked after all requests, against every merge that happened (ownership only grows).
      const leaks: string[] = []
      const unexpected = seen.filter((s) => ![200, 202, 400, 401, 409].includes(s.status)).map((s) => `${s.route} ${s.status} ${s.text}`)
      expect(unexpected.slice(0, 5)).toEqual([])
      for (const s of seen) {
        for (const subject of subjects) {
          if (s.requester && ownersOf.get(subject.key)!.has(s.requester)) continue
          for (const secret of subject.secrets) if (s.text.includes(secret)) leaks.push(`${s.route} by ${s.requester} shows ${subject.key}'s ${secret}`)
        }
      }
      expect(leaks.slice(0, 5)).toEqual([])
      const statuses = seen.reduce<Record<string, number>>((acc, s) => ((acc[`${s.route} ${s.status}`] = (acc[`${s.route} ${s.status}`] ?? 0) + 1), acc), {})
      // eslint-disable-next-line no-console
      console.log(`isolation: ${seen.length} requests in ${elapsed} ms`, statuses)
    })
  },
})
