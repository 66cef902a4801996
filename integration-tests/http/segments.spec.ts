import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { adminHeaders } from "../helpers/auth"
import type PersonalizationModuleService from "../../src/modules/personalization/service"
import { Migration20261207120000, UNRESOLVED_SEGMENT_ID } from "../../src/modules/personalization/migrations/Migration20261207120000"

jest.setTimeout(180_000)

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

    async function createSegment(body: Record<string, unknown> = {}) {
      const res = await post(BASE, { handle: "repeat-buyers", name: "Repeat buyers", rule_text: "orders_count >= 3", ...body })
      expect(res.status).toBe(201)
      return res.data.segment
    }

    async function groupOf(groupId: string) {
      const [group] = await getContainer().resolve(Modules.CUSTOMER).listCustomerGroups({ id: groupId }, { withDeleted: true })
      return group
    }

    describe("CRUD", () => {
      it("creates from rule text, stores the canonical rule and makes the managed group", async () => {
        const segment = await createSegment({ description: "3+ orders", is_public: true })
        expect(segment).toMatchObject({
          handle: "repeat-buyers",
          name: "Repeat buyers",
          description: "3+ orders",
          status: "draft",
          purpose: "personalization",
          is_public: true,
          version: 1,
          member_count: 0,
          rule_text: "orders_count >= 3",
        })
        expect(segment.rule).toBeTruthy()
        expect(segment.customer_group).toEqual({ id: segment.customer_group_id, name: "Segment: Repeat buyers" })
        const group = await groupOf(segment.customer_group_id)
        expect(group.metadata).toMatchObject({ managed_by: "medusa-personalization", segment_id: segment.id })
      })

      it("creates from rule JSON and answers it back in both forms", async () => {
        const text = (await createSegment()).rule
        const res = await post(BASE, { handle: "from-json", name: "From JSON", rule: text })
        expect(res.status).toBe(201)
        expect(res.data.segment.rule_text).toBe("orders_count >= 3")
        expect(res.data.segment.rule).toEqual(text)
      })

      it("lists with pagination, status filter and search", async () => {
        for (let i = 0; i < 5; i++) {
          await createSegment({ handle: `seg-${i}`, name: `Segment ${i}`, status: i % 2 ? "active" : "draft" })
        }
        await createSegment({ handle: "big-spenders", name: "Big spenders", rule_text: "total_spent >= 500" })

        const page = await get(`${BASE}?limit=2&offset=1&order=handle`)
        expect(page.status).toBe(200)
        expect(page.data).toMatchObject({ count: 6, limit: 2, offset: 1 })
        expect(page.data.segments.map((s: { handle: string }) => s.handle)).toEqual(["seg-0", "seg-1"])

        const active = await get(`${BASE}?status=active`)
        expect(active.data.count).toBe(2)
        expect(active.data.segments.every((s: { status: string }) => s.status === "active")).toBe(true)

        const found = await get(`${BASE}?q=spend`)
        expect(found.data.segments.map((s: { handle: string }) => s.handle)).toEqual(["big-spenders"])
      })

      it("retrieves one and 404s an unknown id", async () => {
        const segment = await createSegment()
        const res = await get(`${BASE}/${segment.id}`)
        expect(res.status).toBe(200)
        expect(res.data.segment.id).toBe(segment.id)
        const missing = await get(`${BASE}/pseg_nope`)
        expect(missing.status).toBe(404)
        expect(missing.data.message).toContain("pseg_nope")
        expect((await post(`${BASE}/pseg_nope`, { name: "x" })).status).toBe(404)
        expect((await del(`${BASE}/pseg_nope`)).status).toBe(404)
      })

      it("updates: a real change bumps version and renames the group; a no-op does not", async () => {
        const segment = await createSegment()
        const renamed = await post(`${BASE}/${segment.id}`, { name: "Loyal buyers", rule_text: "orders_count >= 4" })
        expect(renamed.status).toBe(200)
        expect(renamed.data.segment).toMatchObject({ name: "Loyal buyers", version: 2, rule_text: "orders_count >= 4" })
        expect((await groupOf(segment.customer_group_id)).name).toBe("Segment: Loyal buyers")

        const same = await post(`${BASE}/${segment.id}`, { name: "Loyal buyers", rule_text: "orders_count>=4" })
        expect(same.data.segment.version).toBe(2)
      })
    })

    describe("managed group lifecycle", () => {
      it("archiving empties the group and closes memberships; re-activating keeps one group", async () => {
        const container = getContainer()
        const segment = await createSegment({ status: "active" })
        const customerModule = container.resolve(Modules.CUSTOMER)
        const customer = await customerModule.createCustomers({ email: "member@example.com" })
        await customerModule.addCustomerToGroup({ customer_id: customer.id, customer_group_id: segment.customer_group_id })
        const personalization = container.resolve<PersonalizationModuleService>("personalization")
        await personalization.createSegmentMemberships({
          segment_id: segment.id,
          profile_id: "pprof_x",
          customer_id: customer.id,
          entered_at: new Date(),
        })

        const archived = await post(`${BASE}/${segment.id}/archive`, {})
        expect(archived.status).toBe(200)
        expect(archived.data.segment.status).toBe("archived")
        const inGroup = await customerModule.listCustomerGroupCustomers({ customer_group_id: segment.customer_group_id })
        expect(inGroup).toHaveLength(0)
        const open = await personalization.listSegmentMemberships({ segment_id: segment.id, exited_at: null })
        expect(open).toHaveLength(0)

        const reactivated = await post(`${BASE}/${segment.id}`, { status: "active" })
        expect(reactivated.data.segment.customer_group_id).toBe(segment.customer_group_id)
        expect(await customerModule.listCustomerGroups({ name: "Segment: Repeat buyers" })).toHaveLength(1)
      })

      it("refuses hand edits of a managed group's members on Medusa's admin routes (409 naming group and segment); other groups stay editable", async () => {
        const customers = getContainer().resolve(Modules.CUSTOMER)
        const segment = await createSegment({ status: "active" })
        const managedId: string = segment.customer_group_id
        const [ann, bob] = await customers.createCustomers([{ email: "ann@example.com" }, { email: "bob@example.com" }])
        const [plain] = await customers.createCustomerGroups([{ name: "Wholesale" }])
        const members = async (groupId: string) =>
          (await customers.listCustomerGroupCustomers({ customer_group_id: groupId }, { take: null })).map((l) => l.customer_id).sort()

        // Allowed side first: a group the plugin does not manage is edited through both routes as usual.
        expect((await post(`/admin/customer-groups/${plain.id}/customers`, { add: [ann.id] })).status).toBe(200)
        expect((await post(`/admin/customers/${bob.id}/customer-groups`, { add: [plain.id] })).status).toBe(200)
        expect(await members(plain.id)).toEqual([ann.id, bob.id].sort())
        expect((await post(`/admin/customer-groups/${plain.id}/customers`, { remove: [ann.id] })).status).toBe(200)
        expect((await post(`/admin/customers/${bob.id}/customer-groups`, { remove: [plain.id] })).status).toBe(200)
        expect(await members(plain.id)).toEqual([])
        // an empty edit of the managed group changes nothing and is not refused
        expect((await post(`/admin/customer-groups/${managedId}/customers`, { add: [], remove: [] })).status).toBe(200)

        // Refused side: ann is in the managed group (as the segment put her there); nobody may change that by hand.
        await customers.addCustomerToGroup({ customer_id: ann.id, customer_group_id: managedId })
        const why = `customer group 'Segment: Repeat buyers' (${managedId}) is managed by the segment 'repeat-buyers'`
        const cases: [string, Record<string, string[]>, string][] = [
          [`/admin/customer-groups/${managedId}/customers`, { add: [bob.id] }, "add"],
          [`/admin/customer-groups/${managedId}/customers`, { remove: [ann.id] }, "remove"],
          [`/admin/customer-groups/${managedId}/customers`, { add: [bob.id], remove: [ann.id] }, "add"],
          [`/admin/customers/${bob.id}/customer-groups`, { add: [plain.id, managedId] }, "add.1"],
          [`/admin/customers/${ann.id}/customer-groups`, { remove: [managedId] }, "remove.0"],
        ]
        for (const [url, body, field] of cases) {
          const res = await post(url, body)
          expect({ url, body, status: res.status }).toEqual({ url, body, status: 409 })
          expect(res.data.message).toBe(
            `${field}: ${why}: its members are the segment's members, so they cannot be added or removed by hand ` +
              `(a change would be undone at the next refresh). Change the segment's rule instead.`
          )
        }
        // nothing was written, not even the unmanaged half of the mixed call
        expect(await members(managedId)).toEqual([ann.id])
        expect(await members(plain.id)).toEqual([])
        // without an admin token the guard says nothing about the group: Medusa's 401
        const anonymous = await api.post(`/admin/customer-groups/${managedId}/customers`, { add: [bob.id] }, { validateStatus: () => true })
        expect(anonymous.status).toBe(401)
      })

      it("deleting removes the segment and its group", async () => {
        const segment = await createSegment()
        const res = await del(`${BASE}/${segment.id}`)
        expect(res.status).toBe(200)
        expect(res.data).toEqual({ id: segment.id, object: "segment", deleted: true })
        expect((await get(`${BASE}/${segment.id}`)).status).toBe(404)
        expect((await groupOf(segment.customer_group_id)).deleted_at).toBeTruthy()
        // the handle is free again
        await createSegment()
      })

      it("refuses (409) to delete a segment whose group gates a promotion or price list, naming them", async () => {
        const container = getContainer()
        const segment = await createSegment({ status: "active" })
        const promotions = container.resolve(Modules.PROMOTION)
        const promo = await promotions.createPromotions({
          code: "LOYAL10",
          type: "standard",
          status: "active",
          is_automatic: true,
          application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10 },
          rules: [{ attribute: "customer.groups.id", operator: "in", values: [segment.customer_group_id] }],
        })
        const pricing = container.resolve(Modules.PRICING)
        const [list] = await pricing.createPriceLists([
          { title: "Loyal prices", description: "members", rules: { "customer.groups.id": [segment.customer_group_id] } },
        ])

        const res = await del(`${BASE}/${segment.id}`)
        expect(res.status).toBe(409)
        expect(res.data.message).toContain("LOYAL10")
        expect(res.data.message).toContain(promo.id)
        expect(res.data.message).toContain("Loyal prices")
        expect(res.data.message).toContain(list.id)
        expect((await get(`${BASE}/${segment.id}`)).status).toBe(200)
        expect((await groupOf(segment.customer_group_id)).deleted_at).toBeFalsy()
      })
    })

    describe("bad input", () => {
      const valid = { handle: "valid-handle", name: "Valid", rule_text: "orders_count >= 1" }
      const cases: [string, Record<string, unknown>, string][] = [
        ["unknown field", { ...valid, colour: "red" }, "colour"],
        ["wrong type", { ...valid, is_public: "yes" }, "is_public"],
        ["handle pattern", { ...valid, handle: "Bad Handle!" }, "handle"],
        ["handle too short", { ...valid, handle: "a" }, "handle"],
        ["name over 200 chars", { ...valid, name: "n".repeat(201) }, "name"],
        ["missing name", { handle: "x-y", rule_text: "orders_count >= 1" }, "name"],
        ["no rule at all", { handle: "x-y", name: "X" }, "rule"],
        ["rule text syntax", { ...valid, rule_text: "orders_count 3" }, "1:14"],
        ["unknown trait", { ...valid, rule_text: "shoe_size > 3" }, "shoe_size"],
        ["bad rule json", { handle: "x-y", name: "X", rule: { type: "nonsense" } }, "rule"],
        ["unknown segment reference", { ...valid, rule_text: "segment('ghost')" }, "ghost"],
      ]

      it.each(cases)("%s → 400 naming the field, nothing written", async (_label, body, needle) => {
        const res = await post(BASE, body)
        expect(res.status).toBe(400)
        expect(res.data.message).toContain(needle)
        const list = await get(BASE)
        expect(list.data.count).toBe(0)
        const groups = await getContainer().resolve(Modules.CUSTOMER).listCustomerGroups({})
        expect(groups).toHaveLength(0)
      })

      it("body over 64 KiB → 413 naming body, nothing written", async () => {
        const res = await post(BASE, { ...valid, description: "d".repeat(70 * 1024) })
        expect(res.status).toBe(413)
        expect(res.data.message).toMatch(/^body: request body is \d+ bytes; the limit is 65536 bytes$/)
        expect((await get(BASE)).data.count).toBe(0)
      })

      it("duplicate handle → 409 naming the handle, nothing written", async () => {
        await createSegment()
        const res = await post(BASE, { handle: "repeat-buyers", name: "Again", rule_text: "orders_count >= 1" })
        expect(res.status).toBe(409)
        expect(res.data.message).toContain("repeat-buyers")
        expect((await get(BASE)).data.count).toBe(1)
        expect(await getContainer().resolve(Modules.CUSTOMER).listCustomerGroups({})).toHaveLength(1)
      })

      it("update with bad input changes nothing", async () => {
        const segment = await createSegment()
        const other = await createSegment({ handle: "other", name: "Other" })
        expect((await post(`${BASE}/${segment.id}`, { handle: "other" })).status).toBe(409)
        expect((await post(`${BASE}/${segment.id}`, { status: "deleted" })).status).toBe(400)
        expect((await post(`${BASE}/${segment.id}`, { rule_text: "segment('repeat-buyers')" })).status).toBe(400)
        expect((await post(`${BASE}/${other.id}`, { name: "Other", version: 9 })).status).toBe(400)
        const after = (await get(`${BASE}/${segment.id}`)).data.segment
        expect(after).toMatchObject({ handle: "repeat-buyers", status: "draft", version: 1, rule_text: "orders_count >= 3" })
      })

      it("bad list query → 400 naming the parameter", async () => {
        const res = await get(`${BASE}?limit=1000`)
        expect(res.status).toBe(400)
        expect(res.data.message).toContain("limit")
        expect((await get(`${BASE}?status=gone`)).data.message).toContain("status")
      })

      it("admin routes refuse unauthenticated calls", async () => {
        const res = await api.get(BASE, { validateStatus: () => true })
        expect(res.status).toBe(401)
      })
    })

    // Issue #21.1: rules reference segments by id; handles only at the edges (text, API JSON, export/import).
    describe("segment references", () => {
      const personalization = () => getContainer().resolve<PersonalizationModuleService>("personalization")
      const db = () => getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const storedRule = async (id: string) =>
        (await db().raw(`SELECT rule FROM personalization_segment WHERE id = ?`, [id])).rows[0].rule as Record<string, unknown>
      const granted = { personalization: { status: "granted", updated_at: "2026-12-01T00:00:00.000Z" } }
      async function shopper(email: string, traits: { orders_count: number; total_spent: number }) {
        const customer = await getContainer().resolve(Modules.CUSTOMER).createCustomers({ email })
        const profile = await personalization().createCustomerProfiles({ customer_id: customer.id, consent: granted, ...traits })
        return profile.id as string
      }
      const members = async (segmentId: string) =>
        (await personalization().listSegmentMemberships({ segment_id: segmentId, exited_at: null }, { take: null })).map((m) => m.profile_id).sort()
      let made = 0
      const make = async (handle: string, rule_text: string, status = "active") => {
        const res = await post(BASE, { handle, name: `${handle} (${++made})`, rule_text, status })
        expect({ status: res.status, message: res.data.message }).toEqual({ status: 201, message: undefined })
        return res.data.segment as { id: string; handle: string; rule: unknown; rule_text: string; version: number }
      }
      const refresh = async (id: string) => expect((await post(`${BASE}/${id}/refresh`, {})).status).toBe(200)

      it("a rename neither breaks nor redirects a reference, and cannot close a cycle (the prober's rename)", async () => {
        const loyal = await shopper("loyal@refs.example", { orders_count: 5, total_spent: 50 })
        const rich = await shopper("rich@refs.example", { orders_count: 1, total_spent: 900 })
        const c = await make("seg-c", "orders_count >= 3")
        const a = await make("seg-a", "segment('seg-c') AND total_spent >= 10")
        expect(await members(a.id)).toEqual([loyal])
        // stored by id, shown by handle
        expect(JSON.stringify(await storedRule(a.id))).toContain(c.id)
        expect(a.rule).toEqual({ type: "and", rules: [{ type: "segment", handle: "seg-c" }, expect.objectContaining({ trait: "total_spent" })] })

        // Renaming c: a still references it, and reads so.
        expect((await post(`${BASE}/${c.id}`, { handle: "seg-x" })).status).toBe(200)
        const afterRename = (await get(`${BASE}/${a.id}`)).data.segment
        expect(afterRename.rule_text).toBe("segment('seg-x') AND total_spent >= 10")
        expect(afterRename.rule.rules[0]).toEqual({ type: "segment", handle: "seg-x" })
        expect(afterRename.version).toBe(a.version)
        // A new segment taking the freed handle 'seg-c' is not what a references.
        const impostor = await make("seg-c", "total_spent >= 500")
        expect(await members(impostor.id)).toEqual([rich])
        await refresh(a.id)
        expect(await members(a.id)).toEqual([loyal])

        // The prober's cycle: rename a to the old name of what it references. Nothing changes meaning.
        expect((await post(`${BASE}/${impostor.id}`, { handle: "seg-impostor" })).status).toBe(200)
        expect((await post(`${BASE}/${a.id}`, { handle: "seg-c" })).status).toBe(200)
        await refresh(a.id)
        expect(await members(a.id)).toEqual([loyal])
        expect((await get(`${BASE}/${a.id}`)).data.segment.rule_text).toBe("segment('seg-x') AND total_spent >= 10")
        // seg-x → seg-c (was seg-a) → seg-x is refused on the rule that would close it, naming the current handles
        const cyclic = await post(`${BASE}/${c.id}`, { rule_text: "segment('seg-c')" })
        expect(cyclic.status).toBe(400)
        expect(cyclic.data.message).toBe("rule_text: segment references form a cycle: seg-x → seg-c → seg-x")
        // export → import of this store applies (no cycle), and finds nothing to change
        const doc = (await get(`${BASE}/export`)).data
        expect(doc.segments.find((s: { handle: string }) => s.handle === "seg-c").rule_text).toBe("segment('seg-x') AND total_spent >= 10")
        expect(JSON.stringify(doc)).not.toContain(c.id)
        const reimport = await post(`${BASE}/import`, { ...doc, dry_run: false })
        expect(reimport.status).toBe(200)
        expect(reimport.data.segments).toMatchObject({ created: [], changed: [] })
      })

      it("deleting or archiving a referenced segment is a 409 naming the referrers; once unreferenced it goes", async () => {
        const base = await make("base-ref", "orders_count >= 1")
        const one = await make("ref-one", "segment('base-ref')")
        const two = await make("ref-two", "NOT segment('base-ref')", "draft")
        const groupsBefore = (await getContainer().resolve(Modules.CUSTOMER).listCustomerGroups({})).length

        const deleted = await del(`${BASE}/${base.id}`)
        expect(deleted.status).toBe(409)
        expect(deleted.data.message).toBe(
          "segment 'base-ref' is referenced by the rule of segments 'ref-one', 'ref-two'; remove segment('base-ref') from them (or delete them) first"
        )
        const archived = await post(`${BASE}/${base.id}/archive`, {})
        expect(archived.status).toBe(409)
        expect(archived.data.message).toContain("'ref-one', 'ref-two'")
        expect((await post(`${BASE}/${base.id}`, { status: "archived" })).status).toBe(409)
        expect((await get(`${BASE}/${base.id}`)).data.segment).toMatchObject({ status: "active", version: base.version })
        expect((await getContainer().resolve(Modules.CUSTOMER).listCustomerGroups({})).length).toBe(groupsBefore)

        // Archived referrers do not block archiving (they match nothing) but still block deleting (they may come back).
        expect((await post(`${BASE}/${one.id}/archive`, {})).status).toBe(200)
        expect((await post(`${BASE}/${two.id}/archive`, {})).status).toBe(200)
        expect((await post(`${BASE}/${base.id}/archive`, {})).status).toBe(200)
        const stillReferenced = await del(`${BASE}/${base.id}`)
        expect(stillReferenced.status).toBe(409)
        expect(stillReferenced.data.message).toContain("'ref-one', 'ref-two'")
        // Restoring a referrer while what it references is archived: refused on the status, naming it.
        const restore = await post(`${BASE}/${one.id}`, { status: "active" })
        expect(restore.status).toBe(400)
        expect(restore.data.message).toBe("status: segment 'base-ref' is archived; restore it or remove the reference")
        // A rule naming an archived segment is refused too (for a segment that is not archived).
        const naming = await post(BASE, { handle: "names-archived", name: "n", rule_text: "segment('base-ref')" })
        expect(naming.status).toBe(400)
        expect(naming.data.message).toContain("rule_text: segment 'base-ref' is archived")

        // Unreferenced: the delete goes through.
        expect((await post(`${BASE}/${one.id}`, { rule_text: "orders_count >= 2" })).status).toBe(200)
        // stored whole, exactly the new rule (the old AND's keys used to be merged into it)
        expect(await storedRule(one.id)).toEqual({ type: "trait", trait: "orders_count", op: ">=", value: 2 })
        expect((await del(`${BASE}/${two.id}`)).status).toBe(200)
        expect((await del(`${BASE}/${base.id}`)).status).toBe(200)
        expect((await get(`${BASE}/${base.id}`)).status).toBe(404)
      })

      it("activation runs the cycle check on a stored rule; references stored by handle are migrated to ids, idempotently", async () => {
        const p = await make("mig-p", "orders_count >= 2", "draft")
        const q = await make("mig-q", "segment('mig-p')", "draft")
        const r = await make("mig-r", "orders_count >= 9", "draft")
        // Rows as they were stored before references carried ids: handles only, one of them renamed away.
        await db().raw(`UPDATE personalization_segment SET rule = ?::jsonb WHERE id = ?`, [
          JSON.stringify({ type: "or", rules: [{ type: "segment", handle: "mig-p" }, { type: "segment", handle: "gone-away" }] }),
          q.id,
        ])
        await db().raw(`UPDATE personalization_segment SET rule = ?::jsonb WHERE id = ?`, [JSON.stringify({ type: "segment", handle: "mig-q" }), p.id])
        const execute = async (sql: string, params?: unknown[]) => (await db().raw(sql, (params ?? []) as string[])).rows
        expect(await Migration20261207120000.referenceSegmentsById(execute)).toBe(2)
        expect(await storedRule(q.id)).toEqual({
          type: "or",
          rules: [
            { type: "segment", handle: "mig-p", id: p.id },
            { type: "segment", handle: "gone-away", id: UNRESOLVED_SEGMENT_ID },
          ],
        })
        expect(await storedRule(p.id)).toEqual({ type: "segment", handle: "mig-q", id: q.id })
        expect(await Migration20261207120000.referenceSegmentsById(execute)).toBe(0)
        expect(await storedRule(r.id)).toMatchObject({ type: "trait", trait: "orders_count" })

        // p ↔ q now form a cycle (stored, as the rename bug once left it): activation refuses it, naming `status`.
        const activate = await post(`${BASE}/${p.id}`, { status: "active" })
        expect(activate.status).toBe(400)
        expect(activate.data.message).toBe("status: segment references form a cycle: mig-p → mig-q → mig-p")
        // q's unresolved reference is named by the handle it was written with
        expect((await post(`${BASE}/${q.id}`, { status: "active" })).data.message).toBe("status: unknown segment 'gone-away'")
        expect((await get(`${BASE}/${p.id}`)).data.segment.status).toBe("draft")
        // a rename of a segment on the cycle is checked as well
        expect((await post(`${BASE}/${p.id}`, { handle: "mig-p2" })).data.message).toMatch(/^handle: segment references form a cycle/)
        // fixing the rule lets it activate
        expect((await post(`${BASE}/${p.id}`, { rule_text: "orders_count >= 2", status: "active" })).status).toBe(200)
      })
    })

    describe("links", () => {
      it("exposes the profile on the customer and the segment on its group", async () => {
        const container = getContainer()
        const customer = await container.resolve(Modules.CUSTOMER).createCustomers({ email: "p@example.com" })
        await container.resolve<PersonalizationModuleService>("personalization").createCustomerProfiles({ customer_id: customer.id, orders_count: 4 })
        const res = await get(`/admin/customers/${customer.id}?fields=+personalization_profile.*`)
        expect(res.status).toBe(200)
        expect(res.data.customer.personalization_profile).toMatchObject({ customer_id: customer.id, orders_count: 4 })

        const segment = await createSegment()
        const query = container.resolve<any>("query")
        const { data } = await query.graph({
          entity: "customer_group",
          fields: ["id", "personalization_segment.handle"],
          filters: { id: segment.customer_group_id },
        })
        expect(data[0].personalization_segment).toMatchObject({ handle: "repeat-buyers" })
      })
    })
  },
})
