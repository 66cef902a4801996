// Segment KPIs, drift alerts and experiments (issue #8) over a seeded demo store: the snapshot job (called directly
// with an injected clock), the analytics and alert routes, and experiments with real exposures and orders.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { BigNumber, ContainerRegistrationKeys, generateJwtToken, MathBN, Modules } from "@medusajs/framework/utils"
import { seedDemoStore, type SeedDemoResult } from "../../src/scripts/demo/seed"
import { adminHeaders } from "../helpers/auth"
import { getCart, openCart, placeOrder, registerShopper } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import segmentSnapshotsJob from "../../src/jobs/segment-snapshots"
import { SEGMENT_DRIFT } from "../../src/lib/analytics/drift"
import { assignAndExpose, experimentsChanged, firstNotHeldOut } from "../../src/lib/experiments/expose"
import { assignArm, mulberry32 } from "../../src/core/stats"
import { saltSplitting } from "../helpers/experiments"
import type PersonalizationModuleService from "../../src/modules/personalization/service"

jest.setTimeout(300_000)

const DAY = 86_400_000
const HOUR = 3_600_000
const utcDay = (t: number) => new Date(Math.floor(t / DAY) * DAY)
const iso = (d: Date) => d.toISOString().slice(0, 10)

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let headers: Record<string, string>
    let seeded: SeedDemoResult
    const service = () => getContainer().resolve<PersonalizationModuleService>("personalization")
    const get = (url: string) => api.get(url, { headers, validateStatus: () => true })
    const post = (url: string, body: unknown = {}) => api.post(url, body, { headers, validateStatus: () => true })
    const del = (url: string) => api.delete(url, { headers, validateStatus: () => true })

    beforeAll(async () => {
      seeded = await seedDemoStore(getContainer(), { customers: 40, products: 6, admin: false, segments: true, log: () => undefined })
      headers = (await adminHeaders(getContainer())).headers
    })

    /** The active segment with the most customer members, its members, and their memberships moved 60 days back. */
    async function biggestSegmentBackdated() {
      const [seg] = await sql<{ id: string; handle: string; n: number }>(
        getContainer(),
        `SELECT s.id, s.handle, count(m.id)::int AS n FROM personalization_segment s
           JOIN personalization_segment_membership m ON m.segment_id = s.id AND m.exited_at IS NULL AND m.customer_id IS NOT NULL
          WHERE s.status = 'active' GROUP BY s.id, s.handle ORDER BY n DESC, s.id LIMIT 1`
      )
      await sql(getContainer(), `UPDATE personalization_segment_membership SET entered_at = entered_at - interval '60 days'`)
      const members = await sql<{ id: string; customer_id: string }>(
        getContainer(),
        `SELECT id, customer_id FROM personalization_segment_membership
          WHERE segment_id = $1 AND exited_at IS NULL AND customer_id IS NOT NULL ORDER BY customer_id`,
        [seg.id]
      )
      return { segment: seg, members }
    }

    describe("daily snapshots", () => {
      it("the job writes one snapshot per active segment for the day; KPIs match the orders; a rerun replaces it", async () => {
        const container = getContainer()
        const { segment, members } = await biggestSegmentBackdated()
        const customerIds = members.map((m) => m.customer_id)
        // the day (within the last 60) on which this segment's members ordered most
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: orders } = await query.graph({
          entity: "order",
          fields: ["id", "customer_id", "created_at", "currency_code", "status", "canceled_at", "summary.*"],
          filters: { customer_id: customerIds },
        })
        const byDay = new Map<number, any[]>()
        for (const o of orders) {
          const t = new Date(o.created_at).getTime()
          if (Date.now() - t > 55 * DAY) continue
          const d = utcDay(t).getTime()
          byDay.set(d, [...(byDay.get(d) ?? []), o])
        }
        const [busiest] = [...byDay.entries()].sort((a, b) => b[1].length - a[1].length || a[0] - b[0])
        expect(busiest).toBeDefined()
        const [dayMs, dayOrders] = busiest
        const now = new Date(dayMs + DAY + 30 * 60_000) // 00:30 the next day

        const runs = await segmentSnapshotsJob(container, now)
        expect(runs).toEqual([expect.objectContaining({ day: new Date(dayMs).toISOString() })])
        const active = await service().listSegments({ status: "active" }, { select: ["id"] })
        const snaps = await service().listSegmentSnapshots({ day: new Date(dayMs) }, { take: null })
        expect(snaps.length).toBe(active.length)
        expect(runs[0].snapshots).toBe(active.length)

        const snap = snaps.find((s) => s.segment_id === segment.id)!
        // Independent figures from Medusa's order module, summed with BigNumber.
        const counted = dayOrders.filter((o) => o.status !== "canceled" && !o.canceled_at && o.currency_code === "eur")
        const revenue = counted.reduce(
          (acc, o) => MathBN.add(acc, o.summary?.raw_current_order_total?.value ?? o.summary?.current_order_total ?? 0),
          MathBN.convert(0)
        )
        const memberCount = (
          await sql<{ n: number }>(container, `SELECT count(*)::int AS n FROM personalization_segment_membership WHERE segment_id = $1 AND exited_at IS NULL`, [
            segment.id,
          ])
        )[0].n
        expect(snap.members).toBe(memberCount)
        expect(snap.orders).toBe(counted.length)
        expect(snap.ordering_members).toBe(new Set(counted.map((o) => o.customer_id)).size)
        expect(new BigNumber(snap.revenue as any).numeric).toBeCloseTo(Number(revenue), 6)
        expect(MathBN.eq((snap as any).raw_revenue.value, revenue)).toBe(true)
        expect(Number((snap as any).raw_aov.value)).toBeCloseTo(Number(revenue) / counted.length, 5)
        expect(snap.currency_code).toBe("eur")
        expect(snap.entered).toBe(0)
        // repeat members: ordering members with an earlier order
        const earlier = new Set(
          orders.filter((o: any) => new Date(o.created_at).getTime() < dayMs && o.status !== "canceled").map((o: any) => o.customer_id)
        )
        expect(snap.repeat_members).toBe(new Set(counted.map((o) => o.customer_id).filter((c) => earlier.has(c))).size)

        // rerun the same day: same rows, updated in place (upsert), nothing duplicated
        await segmentSnapshotsJob(container, now)
        // as Medusa's scheduler calls it: (container, { scheduledFor }); still "yesterday" = the same day
        expect(await segmentSnapshotsJob(container, { scheduledFor: new Date(now.getTime() + 5 * HOUR) })).toEqual([
          expect.objectContaining({ day: new Date(dayMs).toISOString(), snapshots: active.length }),
        ])
        const again = await service().listSegmentSnapshots({ segment_id: segment.id }, { take: null })
        expect(again.map((s) => s.id)).toEqual([snap.id])

        // the analytics route compares segments over the period, from the snapshots
        const res = await get(`/admin/personalization/analytics/segments?from=${iso(new Date(dayMs))}&to=${iso(new Date(dayMs))}&segment_ids=${segment.id}`)
        expect(res.status).toBe(200)
        expect(res.data.currency_code).toBe("eur")
        expect(res.data.segments).toHaveLength(1)
        const kpi = res.data.segments[0]
        expect(kpi).toMatchObject({ segment_id: segment.id, days: 1, members_end: memberCount, orders: counted.length })
        expect(MathBN.eq(kpi.revenue, revenue)).toBe(true)
        expect(kpi.series).toHaveLength(1)
      })
    })

    describe("drift", () => {
      it("a planted size jump raises one alert, emits personalization.segment.drift, shows on the routes and can be acknowledged", async () => {
        const container = getContainer()
        const { segment, members } = await biggestSegmentBackdated()
        expect(members.length).toBeGreaterThanOrEqual(8)
        const d0 = utcDay(Date.now() - 20 * DAY).getTime()
        // a little noise in the history: three members join during the first ten days
        const late = members.slice(0, 3)
        for (const [i, m] of late.entries()) {
          await sql(container, `UPDATE personalization_segment_membership SET entered_at = $2 WHERE id = $1`, [
            m.id,
            new Date(d0 + (2 + 3 * i) * DAY + HOUR).toISOString(),
          ])
        }
        const emitted: any[] = []
        const bus = container.resolve(Modules.EVENT_BUS) as any
        const originalEmit = bus.emit.bind(bus)
        const spy = jest.spyOn(bus, "emit").mockImplementation(async (msgs: any, opts?: any) => {
          for (const m of [msgs].flat()) if (m?.name === SEGMENT_DRIFT) emitted.push(m.data)
          return originalEmit(msgs, opts)
        })
        try {
          for (let d = 0; d < 10; d++) {
            const runs = await segmentSnapshotsJob(container, new Date(d0 + (d + 1) * DAY + HOUR))
            expect(runs).toHaveLength(1)
            expect(runs[0].alerts).toBe(0) // history still building or within limits
          }
          const sizes = (await service().listSegmentSnapshots({ segment_id: segment.id }, { take: null, order: { day: "ASC" } })).map(
            (s) => s.members
          )
          expect(sizes).toHaveLength(10)
          expect(new Set(sizes).size).toBeGreaterThan(1)

          // the jump: half of the other members leave on day 10
          const leaving = members.slice(3).slice(0, Math.ceil((members.length - 3) / 2))
          const jumpDay = d0 + 10 * DAY
          await sql(container, `UPDATE personalization_segment_membership SET exited_at = $2, exit_reason = 'test' WHERE id = ANY($1::text[])`, [
            leaving.map((m) => m.id),
            new Date(jumpDay + 12 * HOUR).toISOString(),
          ])
          const runs = await segmentSnapshotsJob(container, new Date(jumpDay + DAY + HOUR))
          expect(runs[0].alerts).toBeGreaterThanOrEqual(1)
        } finally {
          spy.mockRestore()
        }
        const jumpDay = new Date(d0 + 10 * DAY)
        const sizeAlerts = emitted.filter((e) => e.segment_id === segment.id && e.metric === "size")
        expect(sizeAlerts).toEqual([expect.objectContaining({ direction: "below", day: jumpDay.toISOString() })])
        expect(sizeAlerts[0].value).toBeLessThan(sizeAlerts[0].lower)

        const bySegment = await get(`/admin/personalization/segments/${segment.id}/alerts`)
        expect(bySegment.status).toBe(200)
        const alert = bySegment.data.alerts.find((a: any) => a.metric === "size")
        expect(alert).toMatchObject({ segment_id: segment.id, direction: "below", day: iso(jumpDay), acknowledged_at: null })
        const open = await get(`/admin/personalization/alerts?acknowledged=false`)
        expect(open.data.alerts.map((a: any) => a.id)).toContain(alert.id)

        // rerunning the day creates no second alert
        await segmentSnapshotsJob(container, new Date(jumpDay.getTime() + DAY + 2 * HOUR))
        const again = await get(`/admin/personalization/segments/${segment.id}/alerts?metric=size`)
        expect(again.data.count).toBe(1)

        const ack = await post(`/admin/personalization/alerts/${alert.id}/acknowledge`)
        expect(ack.status).toBe(200)
        expect(ack.data.alert.acknowledged_at).toBeTruthy()
        const ack2 = await post(`/admin/personalization/alerts/${alert.id}/acknowledge`)
        expect(ack2.data.alert.acknowledged_at).toBe(ack.data.alert.acknowledged_at) // first acknowledgement kept
        expect((await get(`/admin/personalization/alerts?acknowledged=false&segment_id=${segment.id}&metric=size`)).data.count).toBe(0)
        expect((await get(`/admin/personalization/alerts?acknowledged=true`)).data.alerts.map((a: any) => a.id)).toContain(alert.id)

        // the period comparison shows the drop
        const res = await get(`/admin/personalization/analytics/segments?from=${iso(new Date(d0))}&to=${iso(jumpDay)}&segment_ids=${segment.id}`)
        expect(res.status).toBe(200)
        expect(res.data.segments[0].days).toBe(11)
        expect(res.data.segments[0].members_end).toBeLessThan(res.data.segments[0].members_start)
        expect(res.data.segments[0].exited).toBe(leavingCount(members.length))
      })

      const leavingCount = (n: number) => Math.ceil((n - 3) / 2)

      it("bad input: 400 naming the field, unknown ids 404", async () => {
        const checks: [string, number, RegExp][] = [
          ["/admin/personalization/analytics/segments?from=2026-13-01", 400, /^from:/],
          ["/admin/personalization/analytics/segments?from=2026-02-10&to=2026-02-01", 400, /^from:/],
          ["/admin/personalization/analytics/segments?from=2024-01-01&to=2026-02-01", 400, /^from:.*366/],
          ["/admin/personalization/analytics/segments?colour=red", 400, /colour: unknown field/],
          ["/admin/personalization/analytics/segments?segment_ids=psg_nope", 404, /psg_nope/],
          ["/admin/personalization/alerts?acknowledged=maybe", 400, /^acknowledged:/],
          ["/admin/personalization/alerts?limit=0", 400, /^limit:/],
          ["/admin/personalization/segments/psg_nope/alerts", 404, /psg_nope/],
        ]
        for (const [url, status, message] of checks) {
          const res = await get(url)
          expect({ url, status: res.status }).toEqual({ url, status })
          expect(res.data.message).toMatch(message)
        }
        const ack = await post(`/admin/personalization/alerts/palr_nope/acknowledge`)
        expect(ack.status).toBe(404)
        expect((await post(`/admin/personalization/alerts/palr_nope/acknowledge`, { x: 1 })).status).toBe(400)
      })
    })

    describe("experiments", () => {
      /** Store headers for an existing (seeded) customer: publishable key + a customer bearer token. */
      async function storeHeadersFor(customerId: string) {
        const container = getContainer()
        const identity = await container.resolve(Modules.AUTH).createAuthIdentities({
          provider_identities: [{ provider: "emailpass", entity_id: `exp-${customerId}-${Date.now()}-${Math.random()}` }],
          app_metadata: { customer_id: customerId },
        })
        const secret = (container.resolve(ContainerRegistrationKeys.CONFIG_MODULE) as any).projectConfig.http.jwtSecret
        const token = generateJwtToken(
          { actor_id: customerId, actor_type: "customer", auth_identity_id: identity.id, app_metadata: { customer_id: customerId } },
          { secret, expiresIn: "1d" }
        )
        return { "x-publishable-api-key": seeded.publishableKey, authorization: `Bearer ${token}` }
      }

      async function gatedPromotion(code: string, gated = true) {
        const [segment] = await service().listSegments({ handle: "repeat-buyers" }, { take: 1 })
        return getContainer()
          .resolve(Modules.PROMOTION)
          .createPromotions({
            code,
            type: "standard",
            status: "active",
            is_automatic: false,
            application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
            rules: gated ? [{ attribute: "customer.groups.id", operator: "in", values: [segment.customer_group_id!] }] : [],
          })
      }

      it("CRUD with validation, holdouts at serve time, results per arm from real exposures and orders", async () => {
        const container = getContainer()
        const promo = await gatedPromotion("EXP10")
        const ungated = await gatedPromotion("OPEN10", false)

        const bad: [unknown, RegExp][] = [
          [{ name: "x", target_type: "promotion", target_id: promo.id, holdout_percent: 60 }, /^holdout_percent:/],
          [{ name: "x", target_type: "promotion", target_id: promo.id, holdout_percent: 0 }, /^holdout_percent:/],
          [{ name: "x", target_type: "banner", target_id: promo.id }, /^target_type:/],
          [{ name: "", target_type: "promotion", target_id: promo.id }, /^name:/],
          [{ name: "x", target_type: "promotion", target_id: promo.id, conversion_window_days: 0 }, /^conversion_window_days:/],
          [{ name: "x", target_type: "promotion", target_id: promo.id, salt: "mine" }, /^salt: must be 8–64 characters/],
          [{ name: "x", target_type: "promotion", target_id: promo.id, salt: "has space!" }, /^salt: must be 8–64 characters/],
          [{ name: "x", target_type: "promotion", target_id: "promo_nope" }, /^target_id:.*promo_nope/],
          [{ name: "x", target_type: "placement_variant", target_id: "pvar_nope" }, /^target_id:.*pvar_nope/],
          [{ name: "x", target_type: "promotion", target_id: ungated.id }, /^target_id:.*not gated/],
        ]
        for (const [body, message] of bad) {
          const res = await post("/admin/personalization/experiments", body)
          expect({ body, status: res.status }).toEqual({ body, status: 400 })
          expect(res.data.message).toMatch(message)
        }

        // A salt (explicit, admin/test only) under which the gated segment's members fall in both arms and each arm
        // gets more than 5 of the seeded customers — what the checks below rely on.
        const customers = await container.resolve(Modules.CUSTOMER).listCustomers({}, { select: ["id"], take: null })
        const repeatGroup = (await service().listSegments({ handle: "repeat-buyers" }, { take: 1 }))[0].customer_group_id!
        const inGroup = (
          await container.resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_group_id: repeatGroup }, { take: null })
        ).map((l: any) => l.customer_id as string)
        const salt = saltSplitting("crud", 50, (armOf) => {
          const arms = (ids: string[]) => ids.map((id) => armOf(`customer:${id}`))
          const all = arms(customers.map((c) => c.id))
          return new Set(arms(inGroup)).size === 2 && all.filter((a) => a === "control").length > 5 && all.filter((a) => a === "treatment").length > 5
        })
        const created = await post("/admin/personalization/experiments", {
          name: "Repeat buyers 10% off",
          target_type: "promotion",
          target_id: promo.id,
          holdout_percent: 50,
          conversion_window_days: 30,
          min_sample: 10,
          salt,
        })
        expect(created.status).toBe(201)
        const exp = created.data.experiment
        expect(exp).toMatchObject({ status: "running", holdout_percent: 50, conversion_window_days: 30, min_sample: 10 })
        expect(exp.salt).toBeUndefined()
        expect(exp.results.verdict.code).toBe("not_enough_data")
        expect(exp.results.arms.control.subjects).toBe(0)
        const stored = await sql<{ salt: string }>(container, `SELECT salt FROM personalization_experiment WHERE id = $1`, [exp.id])
        expect(stored).toEqual([{ salt }])

        const dup = await post("/admin/personalization/experiments", { name: "again", target_type: "promotion", target_id: promo.id })
        expect(dup.status).toBe(409)
        // one salt, one experiment: another (valid) target with the same salt is refused and nothing is created
        const other = await gatedPromotion("EXP10B")
        const sameSalt = await post("/admin/personalization/experiments", { name: "same salt", target_type: "promotion", target_id: other.id, salt })
        expect(sameSalt.status).toBe(400)
        expect(sameSalt.data.message).toMatch(new RegExp(`^salt: already used by experiment '${exp.id}'`))
        expect((await get(`/admin/personalization/experiments?target_id=${other.id}`)).data.count).toBe(0)
        // without a salt the same target is accepted (a random salt), and differs from ours
        const randomSalted = await post("/admin/personalization/experiments", { name: "random salt", target_type: "promotion", target_id: other.id })
        expect(randomSalted.status).toBe(201)
        const [{ salt: drawn }] = await sql<{ salt: string }>(container, `SELECT salt FROM personalization_experiment WHERE id = $1`, [
          randomSalted.data.experiment.id,
        ])
        expect(drawn).toMatch(/^[0-9a-f-]{36}$/)
        expect((await del(`/admin/personalization/experiments/${randomSalted.data.experiment.id}`)).status).toBe(200)

        // Exposures: every seeded customer is shown the offer 40 days ago; their history supplies the conversions.
        const exposedAt = new Date(Date.now() - 40 * DAY)
        const heldOut = new Map<string, boolean>()
        for (const c of customers) {
          const r = await assignAndExpose(container, { customer_id: c.id }, "promotion", [promo.id, ungated.id], exposedAt)
          heldOut.set(c.id, r.heldOut.has(promo.id))
          expect(r.heldOut.has(ungated.id)).toBe(false) // no experiment on it: always served
          // hash assignment, stable without storage
          expect(r.heldOut.has(promo.id)).toBe(assignArm(`customer:${c.id}`, salt, 50) === "control")
        }
        // a second serve: same arm, counted, first exposure kept
        const first = customers[0].id
        const again = await assignAndExpose(container, { customer_id: first }, "promotion", [promo.id])
        expect(again.heldOut.has(promo.id)).toBe(heldOut.get(first))
        const [row] = await service().listExposures({ experiment_id: exp.id, customer_id: first })
        expect(row.exposures).toBe(2)
        expect(new Date(row.exposed_at).getTime()).toBe(exposedAt.getTime())

        // GET /store/personalization/offers: a member of the gated segment in control does not see the promotion
        const controlMember = inGroup.find((c) => heldOut.get(c) === true)
        const treatmentMember = inGroup.find((c) => heldOut.get(c) === false)
        expect(controlMember && treatmentMember).toBeTruthy()
        const offersOf = async (customerId: string) =>
          (await api.get("/store/personalization/offers", { headers: await storeHeadersFor(customerId) })).data.promotions.map((p: any) => p.id)
        const exposuresOf = async (customerId: string) =>
          (await service().listExposures({ experiment_id: exp.id, customer_id: customerId }))[0]
        const before = await exposuresOf(controlMember!)
        expect(await offersOf(treatmentMember!)).toContain(promo.id)
        expect(await offersOf(controlMember!)).not.toContain(promo.id)
        const served = await exposuresOf(controlMember!)
        expect(served.exposures).toBe(before.exposures + 1) // the store call was logged as an exposure, in the same arm
        expect(served.arm).toBe("control")
        expect(served.id).toBe(before.id)

        // a shopper exposed now who then checks out over HTTP converts in their arm
        const shopper = await registerShopper(api, seeded.publishableKey, "exp-shopper@example.com")
        const live = await assignAndExpose(container, { customer_id: shopper.customerId }, "promotion", [promo.id])
        await placeOrder(api, shopper)
        heldOut.set(shopper.customerId, live.heldOut.has(promo.id))

        // expected arms from independent reads of Medusa's orders
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: orders } = await query.graph({
          entity: "order",
          fields: ["id", "customer_id", "created_at", "status", "canceled_at"],
          filters: { customer_id: [...heldOut.keys()] },
        })
        const expected = { control: { subjects: 0, conversions: 0 }, treatment: { subjects: 0, conversions: 0 } }
        for (const [customerId, control] of heldOut) {
          const since = customerId === shopper.customerId ? Date.now() - 10 * 60_000 : exposedAt.getTime()
          const converted = orders.some(
            (o: any) =>
              o.customer_id === customerId &&
              o.status !== "canceled" &&
              new Date(o.created_at).getTime() >= since &&
              new Date(o.created_at).getTime() < since + 30 * DAY
          )
          const arm = control ? expected.control : expected.treatment
          arm.subjects++
          if (converted) arm.conversions++
        }
        expect(expected.control.subjects).toBeGreaterThan(5)
        expect(expected.treatment.subjects).toBeGreaterThan(5)
        expect(expected.control.conversions + expected.treatment.conversions).toBeGreaterThan(0)

        const res = await get(`/admin/personalization/experiments/${exp.id}`)
        expect(res.status).toBe(200)
        const results = res.data.experiment.results
        expect(results.arms.control).toMatchObject(expected.control)
        expect(results.arms.treatment).toMatchObject(expected.treatment)
        const pc = expected.control.conversions / expected.control.subjects
        const pt = expected.treatment.conversions / expected.treatment.subjects
        expect(results.conversion.absolute_uplift).toBeCloseTo(pt - pc, 10)
        expect(results.conversion.absolute_ci.lower).toBeLessThanOrEqual(pt - pc)
        expect(results.conversion.p_value).toBeGreaterThanOrEqual(0)
        expect(results.srm).toEqual(expect.objectContaining({ mismatch: expect.any(Boolean), p_value: expect.any(Number) }))
        expect(typeof results.arms.treatment.revenue_per_subject).toBe("string")
        expect(["treatment_better", "treatment_worse", "no_significant_difference", "sample_ratio_mismatch"]).toContain(results.verdict.code)
        expect(results.verdict.message.length).toBeGreaterThan(10)

        // the list; updates; fixed split
        const list = await get("/admin/personalization/experiments?status=running")
        expect(list.data.experiments.map((e: any) => e.id)).toEqual([exp.id])
        expect(list.data.experiments[0].subjects).toBe(heldOut.size)
        const renamed = await post(`/admin/personalization/experiments/${exp.id}`, { name: "Renamed", min_sample: 1000 })
        expect(renamed.status).toBe(200)
        expect(renamed.data.experiment).toMatchObject({ name: "Renamed", min_sample: 1000 })
        expect(renamed.data.experiment.results.verdict.code).toBe("not_enough_data")
        const split = await post(`/admin/personalization/experiments/${exp.id}`, { holdout_percent: 20 })
        expect(split.status).toBe(400)
        expect(split.data.message).toMatch(/^holdout_percent:/)

        // stop: nobody is held out any more, results stay
        const stopped = await post(`/admin/personalization/experiments/${exp.id}/stop`)
        expect(stopped.status).toBe(200)
        expect(stopped.data.experiment.status).toBe("stopped")
        expect(stopped.data.experiment.ended_at).toBeTruthy()
        const controlCustomer = [...heldOut.entries()].find(([, control]) => control)![0]
        expect((await assignAndExpose(container, { customer_id: controlCustomer }, "promotion", [promo.id])).heldOut.size).toBe(0)
        expect(stopped.data.experiment.results.arms.control.subjects).toBe(expected.control.subjects)

        // delete, then 404s
        const gone = await del(`/admin/personalization/experiments/${exp.id}`)
        expect(gone.status).toBe(200)
        expect(gone.data).toMatchObject({ id: exp.id, deleted: true, exposures_deleted: heldOut.size })
        expect((await get(`/admin/personalization/experiments/${exp.id}`)).status).toBe(404)
        expect((await post(`/admin/personalization/experiments/${exp.id}/stop`)).status).toBe(404)
        expect((await post(`/admin/personalization/experiments/pexp_nope`, { name: "x" })).status).toBe(404)
        expect((await del(`/admin/personalization/experiments/pexp_nope`)).status).toBe(404)
      })

      it("an automatic segment promotion is not applied to the control arm's carts (and is for the treatment)", async () => {
        const container = getContainer()
        const [segment] = await service().listSegments({ handle: "repeat-buyers" }, { take: 1 })
        const promo = await container.resolve(Modules.PROMOTION).createPromotions({
          code: "AUTO10",
          type: "standard",
          status: "active",
          is_automatic: true,
          application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
          rules: [{ attribute: "customer.groups.id", operator: "in", values: [segment.customer_group_id!] }],
        })
        const members = (
          await container.resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_group_id: segment.customer_group_id! }, { take: null })
        ).map((l: any) => l.customer_id as string)
        // an explicit salt under which the segment's members fall in both arms
        const salt = saltSplitting("auto", 50, (armOf) => new Set(members.map((c) => armOf(`customer:${c}`))).size === 2)
        const created = await post("/admin/personalization/experiments", {
          name: "Auto 10% holdout",
          target_type: "promotion",
          target_id: promo.id,
          holdout_percent: 50,
          salt,
        })
        expect(created.status).toBe(201)
        const id = created.data.experiment.id
        const control = members.find((c) => assignArm(`customer:${c}`, salt, 50) === "control")!
        const treatment = members.find((c) => assignArm(`customer:${c}`, salt, 50) === "treatment")!
        expect(control && treatment).toBeTruthy()
        const codesFor = async (customerId: string) => {
          const shopper = { email: `${customerId}@example.com`, customerId, headers: await storeHeadersFor(customerId) }
          const cartId = await openCart(api, shopper)
          return ((await getCart(api, shopper, cartId)).promotions ?? []).map((p: any) => p.code)
        }
        expect(await codesFor(treatment)).toContain("AUTO10")
        expect(await codesFor(control)).not.toContain("AUTO10")
        // pricing the carts exposed both subjects, each in its arm
        const exposures = await service().listExposures({ experiment_id: id }, { take: null })
        expect(exposures.find((e) => e.customer_id === control)?.arm).toBe("control")
        expect(exposures.find((e) => e.customer_id === treatment)?.arm).toBe("treatment")
        // once stopped, the control gets the discount too
        expect((await post(`/admin/personalization/experiments/${id}/stop`)).status).toBe(200)
        expect(await codesFor(control)).toContain("AUTO10")
      })

      // Deterministic: fixed customer ids, a fixed salt per experiment (so every subject's arm is fixed) and one seeded
      // generator per experiment for the conversions, days and prices. With a random salt the arms — and so which draw
      // lands in which arm — changed every run: the A/A half called a difference in ~6% of runs and the planted
      // uplift (power ≈ 0.95 at 300 per arm) was missed in ~4%. The fixed sample below is one such run, asserted as before.
      it("simulated traffic through the results route (seeded): a planted uplift is detected, an A/A split is not", async () => {
        const container = getContainer()
        const placement = await service().createPlacements({ handle: "sim.hero" })
        const [a, b] = await service().createPlacementVariants([
          { name: "A", priority: 1, content: { title: "A", product_ids: ["p"] }, placement_id: placement.id } as any,
          { name: "B", priority: 1, content: { title: "B", product_ids: ["p"] }, placement_id: placement.id } as any,
        ])
        const start = async (variantId: string, salt: string) => {
          const res = await post("/admin/personalization/experiments", {
            name: `sim ${variantId}`,
            target_type: "placement_variant",
            target_id: variantId,
            holdout_percent: 50,
            conversion_window_days: 7,
            min_sample: 100,
            salt,
          })
          expect(res.status).toBe(201)
          return { id: res.data.experiment.id as string, salt }
        }
        const uplift = await start(a.id, "sim-uplift-1")
        const aa = await start(b.id, "sim-aa-1")
        const exposedAt = new Date(Date.now() - 10 * DAY)
        const orders: any[] = []
        const simulate = async (x: { id: string; salt: string }, prefix: string, seed: number, rates: { control: number; treatment: number }) => {
          const random = mulberry32(seed)
          for (let i = 0; i < 600; i++) {
            const customerId = `cus_${prefix}_${i}`
            const { assignments } = await assignAndExpose(container, { customer_id: customerId }, "placement_variant", [
              x.id === uplift.id ? a.id : b.id,
            ], exposedAt)
            const arm = assignments[0].arm
            expect(arm).toBe(assignArm(`customer:${customerId}`, x.salt, 50))
            if (random() < rates[arm]) {
              const at = new Date(exposedAt.getTime() + (1 + Math.floor(random() * 5)) * DAY)
              orders.push({
                created_at: at,
                updated_at: at,
                region_id: seeded.regionId,
                customer_id: customerId,
                email: `${customerId}@example.com`,
                currency_code: "eur",
                items: [{ title: "Sim item", quantity: 1, unit_price: 20 + Math.floor(random() * 40) }],
              })
            }
          }
        }
        await simulate(uplift, "up", 8, { control: 0.1, treatment: 0.2 })
        await simulate(aa, "aa", 9, { control: 0.15, treatment: 0.15 })
        const orderService = container.resolve(Modules.ORDER)
        for (let i = 0; i < orders.length; i += 100) await orderService.createOrders(orders.slice(i, i + 100))

        const up = (await get(`/admin/personalization/experiments/${uplift.id}`)).data.experiment.results
        expect(up.arms.control.subjects + up.arms.treatment.subjects).toBe(600)
        expect(up.srm.mismatch).toBe(false)
        expect(up.verdict.code).toBe("treatment_better")
        expect(up.conversion.absolute_ci.lower).toBeGreaterThan(0)
        expect(up.conversion.relative_uplift).toBeGreaterThan(0)
        expect(up.revenue_per_subject.difference).toBeGreaterThan(0)

        const flat = (await get(`/admin/personalization/experiments/${aa.id}`)).data.experiment.results
        expect(flat.srm.mismatch).toBe(false)
        expect(flat.verdict.code).toBe("no_significant_difference")
        expect(flat.conversion.absolute_ci.lower).toBeLessThan(0)
        expect(flat.conversion.absolute_ci.upper).toBeGreaterThan(0)
      })

      it("a held-out placement variant falls back to the next variant; exposures only where the variant would show", async () => {
        const container = getContainer()
        const placement = await service().createPlacements({ handle: "home.hero" })
        const { data: products } = await api.get("/store/products?limit=1", { headers: { "x-publishable-api-key": seeded.publishableKey } })
        const content = (title: string) => ({ title, product_ids: [products.products[0].id] })
        const [vip, fallback] = await service().createPlacementVariants([
          { name: "VIP hero", priority: 10, content: content("VIP"), placement_id: placement.id } as any,
          { name: "Default hero", priority: 0, content: content("Hello"), placement_id: placement.id } as any,
        ])
        // fixed visitor ids and a fixed salt: 63 of the 200 in control, so the SRM check below (α = 0.001) is not a draw
        const salt = "vip-hero-1"
        const created = await post("/admin/personalization/experiments", {
          name: "VIP hero holdout",
          target_type: "placement_variant",
          target_id: vip.id,
          holdout_percent: 30,
          salt,
        })
        expect(created.status).toBe(201)
        const id = created.data.experiment.id
        let control = 0
        for (let i = 0; i < 200; i++) {
          const visitor = `visitor-${i.toString().padStart(4, "0")}`
          const { chosen } = await firstNotHeldOut(container, { visitor_id: visitor }, [vip, fallback], (v) => v.id)
          const arm = assignArm(`visitor:${visitor}`, salt, 30)
          expect(chosen!.id).toBe(arm === "control" ? fallback.id : vip.id)
          if (arm === "control") control++
        }
        // over HTTP: GET /store/personalization/sections serves the fallback to control visitors
        for (const i of [1, 2, 3, 4, 5, 6, 7, 8]) {
          const visitor = `visitor-${i.toString().padStart(4, "0")}`
          const res = await api.get(`/store/personalization/sections?placement=home.hero&region_id=${seeded.regionId}`, {
            headers: { "x-publishable-api-key": seeded.publishableKey, "x-visitor-id": visitor },
            validateStatus: () => true,
          })
          expect({ status: res.status, message: res.data.message }).toEqual({ status: 200, message: undefined })
          const arm = assignArm(`visitor:${visitor}`, salt, 30)
          expect(res.data.sections[0].variant.id).toBe(arm === "control" ? fallback.id : vip.id)
        }
        // a subject whose best variant is the default is not part of the experiment
        await firstNotHeldOut(container, { visitor_id: "visitor-other-1" }, [fallback], (v) => v.id)
        const res = await get(`/admin/personalization/experiments/${id}`)
        expect(control).toBe(63)
        expect(res.data.experiment.results.arms.control.subjects).toBe(control)
        expect(res.data.experiment.results.arms.treatment.subjects).toBe(200 - control)
        expect(res.data.experiment.results.srm.mismatch).toBe(false)
        // no subject: nothing logged, nothing held out
        expect((await firstNotHeldOut(container, {}, [vip, fallback], (v) => v.id)).chosen!.id).toBe(vip.id)
        // a broken lookup never throws into the storefront: it serves the first candidate
        experimentsChanged() // drop the in-process cache of running experiments, so the lookup itself fails
        const broken = { resolve: () => { throw new Error("boom") } }
        expect((await firstNotHeldOut(broken, { visitor_id: "visitor-0001" }, [vip, fallback], (v) => v.id)).chosen!.id).toBe(vip.id)
        expect((await assignAndExpose(broken, { visitor_id: "visitor-0001" }, "placement_variant", [vip.id])).heldOut.size).toBe(0)
      })
    })
  },
})
