// RFM, churn risk and discovered segments (issue #8, points 3–5) on the seeded demo store: RFM groups for every
// customer with orders (and equal to the pure core's scoring), a rule on rfm_group and churn_risk end to end,
// churn training (trained with a holdout AUC, or honestly insufficient_data), k-means suggestions into segments.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { seedDemoStore, type SeedDemoResult } from "../../src/scripts/demo/seed"
import { adminHeaders } from "../helpers/auth"
import type PersonalizationModuleService from "../../src/modules/personalization/service"
import { sql } from "../../src/lib/db/raw-sql"
import { runRfm } from "../../src/lib/analytics/rfm-run"
import { applyRfmScores, restoreRfmScores } from "../../src/lib/analytics/rfm"
import { inTransaction } from "../../src/lib/db/transaction"
import { rescoreChurn, runChurnTraining } from "../../src/lib/analytics/churn-run"
import { buildChurnExamples, modelFromParams } from "../../src/lib/analytics/churn"
import { churnFeatures, predictProbability, rocAuc, splitHoldout } from "../../src/core/ml"
import { DEFAULT_RFM_GROUPS, recencyDays, scoreRfm } from "../../src/core/traits/rfm"
import { defaultCatalog, evaluate, parse, validateRule } from "../../src/core/rules"
import { loadActiveSegments, loadSubject } from "../../src/lib/profile/load-subject"

jest.setTimeout(600_000)

const DAY = 86_400_000
const NOW = new Date()

type ProfileRow = {
  id: string
  customer_id: string | null
  orders_count: number
  total_spent: string
  last_order_at: Date | null
  rfm_r: number | null
  rfm_f: number | null
  rfm_m: number | null
  rfm_group: string | null
  churn_risk: number | null
  consented: boolean
}

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let headers: Record<string, string>
    let seeded: SeedDemoResult
    const personalization = () => getContainer().resolve<PersonalizationModuleService>("personalization")
    const get = (url: string) => api.get(url, { headers, validateStatus: () => true })
    const post = (url: string, body: unknown = {}) => api.post(url, body, { headers, validateStatus: () => true })

    beforeAll(async () => {
      const log: string[] = []
      seeded = await seedDemoStore(getContainer(), { customers: 90, products: 10, admin: false, now: NOW, log: (m) => log.push(m) })
      console.log(`demo seed:\n${log.join("\n")}`)
      headers = (await adminHeaders(getContainer())).headers
    })

    async function profiles(): Promise<ProfileRow[]> {
      return sql<ProfileRow>(
        getContainer(),
        `SELECT id, customer_id, orders_count, total_spent::text AS total_spent, last_order_at, rfm_r, rfm_f, rfm_m, rfm_group,
                churn_risk, COALESCE(consent -> 'personalization' ->> 'status' = 'granted', false) AS consented
           FROM personalization_customer_profile WHERE deleted_at IS NULL ORDER BY id`
      )
    }

    async function openMembers(segmentId: string): Promise<string[]> {
      const rows = await sql<{ profile_id: string }>(
        getContainer(),
        `SELECT profile_id FROM personalization_segment_membership
          WHERE segment_id = $1 AND exited_at IS NULL AND deleted_at IS NULL ORDER BY profile_id`,
        [segmentId]
      )
      return rows.map((r) => r.profile_id)
    }

    /** Members per the evaluator, each profile loaded as the pipeline loads it, behind the consent gate. */
    async function expectedMembers(segmentId: string, now: Date): Promise<string[]> {
      const service = personalization()
      const segment = (await loadActiveSegments(service)).find((s) => s.id === segmentId)!
      const out: string[] = []
      for (const profile of await service.listCustomerProfiles({}, { take: null, order: { id: "ASC" } })) {
        const { subject } = await loadSubject(service, profile as any, [segment], now, service.getCatalog())
        if (subject.consent[segment.purpose] === "granted" && evaluate(segment.rule, subject, now, service.getCatalog()).match) out.push(profile.id)
      }
      return out.sort()
    }

    describe("RFM", () => {
      it("scores every customer with orders (1–5, a named group), equal to the core's quintiles; nobody else", async () => {
        const result = await runRfm(getContainer(), { now: NOW })
        const rows = await profiles()
        const withOrders = rows.filter((p) => p.customer_id && p.orders_count > 0)
        expect(withOrders.length).toBeGreaterThan(50)
        expect(result.scored).toBe(withOrders.length)
        expect(result.changed).toBe(withOrders.length)

        const ids = new Set(DEFAULT_RFM_GROUPS.map((g) => g.id))
        for (const p of withOrders) {
          for (const score of [p.rfm_r, p.rfm_f, p.rfm_m]) expect(score! >= 1 && score! <= 5).toBe(true)
          expect(ids.has(p.rfm_group!)).toBe(true)
        }
        for (const p of rows.filter((p) => !(p.customer_id && p.orders_count > 0))) {
          expect([p.rfm_r, p.rfm_f, p.rfm_m, p.rfm_group]).toEqual([null, null, null, null])
        }

        // The SQL scoring is the core's scoring.
        const core = scoreRfm(
          withOrders.map((p) => ({
            id: p.id,
            recency_days: recencyDays(new Date(p.last_order_at!), NOW),
            orders_count: p.orders_count,
            total_spent: p.total_spent,
          }))
        )
        for (const p of withOrders) expect({ r: p.rfm_r, f: p.rfm_f, m: p.rfm_m, group: p.rfm_group }).toEqual(core.get(p.id))
        // several groups, not one bucket
        expect(new Set(withOrders.map((p) => p.rfm_group)).size).toBeGreaterThanOrEqual(4)

        // A second run with the same clock changes nothing.
        const again = await runRfm(getContainer(), { now: NOW })
        expect(again).toMatchObject({ scored: withOrders.length, changed: 0, cleared: 0 })

        const { status, data } = await get("/admin/personalization/analytics/rfm")
        expect(status).toBe(200)
        expect(data.rfm.customers_with_orders).toBe(withOrders.length)
        expect(data.rfm.scored).toBe(withOrders.length)
        expect(data.rfm.groups.map((g: any) => g.id)).toEqual(DEFAULT_RFM_GROUPS.map((g) => g.id))
        expect(data.rfm.groups.find((g: any) => g.id === "champions")).toMatchObject({ label: "Champions", r: [4, 5], fm: [4, 5] })
        expect(data.rfm.groups.reduce((s: number, g: any) => s + g.count, 0)).toBe(withOrders.length)
        for (const g of data.rfm.groups) expect(g.count).toBe(withOrders.filter((p) => p.rfm_group === g.id).length)
        for (const axis of ["r", "f", "m"]) expect(data.rfm.scores[axis].reduce((s: number, n: number) => s + n, 0)).toBe(withOrders.length)
        expect(new Date(data.rfm.computed_at).getTime()).toBe(NOW.getTime())

        const bad = await get("/admin/personalization/analytics/rfm?colour=red")
        expect(bad.status).toBe(400)
        expect(bad.data.message).toMatch(/^colour: unknown field/)
      })

      it("clears the scores of a customer whose orders are all gone (canceled)", async () => {
        await runRfm(getContainer(), { now: NOW })
        const [victim] = (await profiles()).filter((p) => p.customer_id && p.orders_count === 1)
        // What a cancellation leaves behind after the real-time refresh: no live orders.
        await sql(getContainer(), `UPDATE personalization_customer_profile SET orders_count = 0, last_order_at = NULL, first_order_at = NULL WHERE id = $1`, [victim.id])
        const result = await runRfm(getContainer(), { now: NOW })
        expect(result.cleared).toBe(1)
        const after = (await profiles()).find((p) => p.id === victim.id)!
        expect([after.rfm_r, after.rfm_group]).toEqual([null, null])
      })

      it("the workflow's compensation puts every previous score back", async () => {
        await runRfm(getContainer(), { now: NOW })
        const before = await profiles()
        // Re-score with a single catch-all group (every group changes) and a customer who lost their orders, then
        // undo as the compensation does.
        const [victim] = before.filter((p) => p.customer_id && p.orders_count > 0)
        await sql(getContainer(), `UPDATE personalization_customer_profile SET orders_count = 0 WHERE id = $1`, [victim.id])
        const everyone = [{ id: "everyone", label: "Everyone", r: [1, 5] as [number, number], fm: [1, 5] as [number, number] }]
        const applied = await inTransaction(getContainer(), (run) => applyRfmScores(run, NOW, everyone))
        expect(applied.cleared.map((c) => c.id)).toEqual([victim.id])
        const moved = (await profiles()).filter((p, i) => p.rfm_r !== before[i].rfm_r || p.rfm_group !== before[i].rfm_group)
        expect(applied.changed.length).toBeGreaterThan(0)
        expect(moved.length).toBe(applied.changed.length + applied.cleared.length)
        await inTransaction(getContainer(), (run) => restoreRfmScores(run, [...applied.changed, ...applied.cleared]))
        await sql(getContainer(), `UPDATE personalization_customer_profile SET orders_count = $2 WHERE id = $1`, [victim.id, victim.orders_count])
        const restored = await profiles()
        expect(restored.map((p) => [p.id, p.rfm_r, p.rfm_f, p.rfm_m, p.rfm_group])).toEqual(before.map((p) => [p.id, p.rfm_r, p.rfm_f, p.rfm_m, p.rfm_group]))
      })
    })

    describe("churn", () => {
      it("trains on the store's history, reports AUC on a holdout, scores churn_risk on customers with orders", async () => {
        const { status, data } = await post("/admin/personalization/models/churn/train")
        expect(status).toBe(200)
        const run = data.run
        if (run.status !== "trained") console.log("churn run:", JSON.stringify(run))
        expect(run.status).toBe("trained")
        expect(run.auc).toBeGreaterThanOrEqual(0)
        expect(run.auc).toBeLessThanOrEqual(1)
        expect(run.train_size).toBeGreaterThan(0)
        expect(run.holdout_size).toBeGreaterThan(0)
        expect(run.train_size + run.holdout_size).toBe(run.metrics.customers)
        expect(run.metrics.churned).toBeGreaterThan(0)
        expect(run.metrics.retained).toBeGreaterThan(0)
        expect(run.horizon_days).toBe(90)
        expect(run.model.coefficients).toHaveLength(5)
        expect(Math.abs(Date.now() - new Date(run.trained_at).getTime())).toBeLessThan(10 * 60_000)

        const rows = await profiles()
        const withOrders = rows.filter((p) => p.customer_id && p.orders_count > 0)
        expect(data.scored_profiles).toBe(withOrders.length)
        for (const p of withOrders) expect(p.churn_risk! > 0 && p.churn_risk! < 1).toBe(true)
        for (const p of rows.filter((p) => !(p.customer_id && p.orders_count > 0))) expect(p.churn_risk).toBeNull()
        const status2 = await get("/admin/personalization/models/churn")
        expect(status2.status).toBe(200)
        expect(status2.data.churn.latest).toMatchObject({ id: run.id, status: "trained" })
        expect(status2.data.churn.latest.auc).toBeCloseTo(run.auc, 5) // stored as real
        expect(status2.data.churn.latest_trained.id).toBe(run.id)
        expect(status2.data.churn.scored_profiles).toBe(withOrders.length)

        // The daily re-scoring uses the stored model on today's traits: a month later, risks are exactly the
        // stored model's prediction from the features as of then.
        const later = new Date(NOW.getTime() + 30 * DAY)
        const rescored = await rescoreChurn(getContainer(), { now: later })
        expect(rescored).toMatchObject({ run_id: run.id, scored: withOrders.length })
        const [stored] = await personalization().listModelRuns({ id: run.id })
        const model = modelFromParams(stored.params as any)!
        const traits = await sql<any>(
          getContainer(),
          `SELECT id, orders_count, total_spent::text AS total_spent, last_order_at, first_order_at, abandonment_rate, churn_risk
             FROM personalization_customer_profile WHERE customer_id IS NOT NULL AND orders_count > 0 AND deleted_at IS NULL`
        )
        let moved = 0
        for (const t of traits) {
          const features = churnFeatures({ ...t, last_order_at: new Date(t.last_order_at), first_order_at: new Date(t.first_order_at) }, later)!
          expect(t.churn_risk).toBeCloseTo(predictProbability(model, features), 5)
          if (Math.abs(t.churn_risk - withOrders.find((p) => p.id === t.id)!.churn_risk!) > 1e-6) moved++
        }
        expect(moved).toBeGreaterThan(0)
      })

      it("the reported AUC is the stored model's AUC on the holdout, recomputed independently", async () => {
        // The demo history is short (180 days, 90 of them the label window) and its signal weak, so the AUC itself
        // is whatever the data gives (printed below); what must hold is that it is measured honestly.
        const trained = await runChurnTraining(getContainer(), { now: NOW })
        expect(trained.run.status).toBe("trained")
        const { examples } = await buildChurnExamples(getContainer(), { now: NOW, horizonDays: 90, currency: "eur", abandonmentMinutes: 60 })
        expect(examples.length).toBe(trained.run.metrics.customers)
        expect(examples.filter((e) => e.churned).length).toBe(trained.run.metrics.churned)
        const { train, holdout } = splitHoldout(examples, 0.3)
        expect([train.length, holdout.length]).toEqual([trained.run.train_size, trained.run.holdout_size])
        const model = modelFromParams(trained.run.params)!
        const auc = rocAuc(holdout.map((e) => predictProbability(model, e.features)), holdout.map((e) => e.churned))!
        expect(trained.run.auc).toBeCloseTo(auc, 5)
        console.log(`churn: ${examples.length} customers (${trained.run.metrics.churned} churned), holdout ${holdout.length}, AUC ${auc.toFixed(3)}`)
      })

      it("with too little history says insufficient_data and leaves churn_risk null — no invented numbers", async () => {
        const trained = await runChurnTraining(getContainer(), { now: NOW })
        expect(trained.run.status).toBe("trained")
        // 200 days back, the cut-off (−90 days more) predates every order: nobody to learn from.
        const early = await runChurnTraining(getContainer(), { now: new Date(NOW.getTime() - 200 * DAY) })
        expect(early.run.status).toBe("insufficient_data")
        expect(early.run.auc).toBeNull()
        expect(early.run.note).toMatch(/0 customers with history before the cut-off; at least 40 needed/)
        expect((await profiles()).every((p) => p.churn_risk === null)).toBe(true)

        const { data } = await get("/admin/personalization/models/churn")
        expect(data.churn.latest).toMatchObject({ status: "insufficient_data", auc: null, model: null })
        expect(data.churn.latest_trained.id).toBe(trained.run.id)
        expect(data.churn.scored_profiles).toBe(0)

        const bad = await post("/admin/personalization/models/churn/train", { force: true })
        expect(bad.status).toBe(400)
        expect(bad.data.message).toMatch(/^force: unknown field/)
      })
    })

    describe("rules on rfm_group and churn_risk", () => {
      it("a segment created before the traits exist fills when the jobs run, with exactly the matching consented profiles", async () => {
        const rule_text = "rfm_group IN ('champions', 'loyal', 'potential_loyalist', 'new') AND churn_risk < 0.7"
        const created = await post("/admin/personalization/segments", { handle: "keep-warm", name: "Keep warm", rule_text, status: "active" })
        expect(created.status).toBe(201)
        const segmentId = created.data.segment.id
        expect(created.data.segment.member_count).toBe(0) // no RFM, no churn risk yet

        const rfm = await runRfm(getContainer(), { now: NOW })
        expect(rfm.segments_refreshed).toContain(segmentId)
        expect(await openMembers(segmentId)).toEqual([]) // churn_risk still null → no match

        const churn = await post("/admin/personalization/models/churn/train")
        expect(churn.data.run.status).toBe("trained")
        expect(churn.data.segments_refreshed).toContain(segmentId)

        const now = new Date()
        const members = await openMembers(segmentId)
        const expected = await expectedMembers(segmentId, now)
        expect(members).toEqual(expected)
        expect(members.length).toBeGreaterThan(0)
        // and the same by a plain reading of the stored traits
        const direct = (await profiles())
          .filter((p) => p.consented && ["champions", "loyal", "potential_loyalist", "new"].includes(p.rfm_group ?? "") && p.churn_risk !== null && p.churn_risk < 0.7)
          .map((p) => p.id)
          .sort()
        expect(members).toEqual(direct)
        const [segment] = await personalization().listSegments({ id: segmentId })
        expect(segment.member_count).toBe(members.length)

        // A segment on the score traits too, created after the fact: the create workflow's backfill sees them.
        const byScore = await post("/admin/personalization/segments", { handle: "recent-r", name: "Recent", rule_text: "rfm_r >= 4 AND rfm_f >= 2", status: "active" })
        expect(byScore.status).toBe(201)
        expect(await openMembers(byScore.data.segment.id)).toEqual(await expectedMembers(byScore.data.segment.id, new Date()))
        expect(byScore.data.segment.member_count).toBeGreaterThan(0)
      })
    })

    describe("discover", () => {
      it("suggests k in 2–8 with a silhouette, sizes, descriptions and valid rules", async () => {
        const { status, data } = await get("/admin/personalization/discover")
        expect(status).toBe(200)
        const d = data.discovery
        const withOrders = (await profiles()).filter((p) => p.customer_id && p.orders_count > 0)
        expect(d.customers).toBe(withOrders.length)
        expect(d.k).toBeGreaterThanOrEqual(2)
        expect(d.k).toBeLessThanOrEqual(8)
        expect(d.silhouette).toBeGreaterThan(0)
        expect(d.silhouette).toBeLessThanOrEqual(1)
        expect(d.candidates.map((c: any) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8])
        expect(Math.max(...d.candidates.filter((c: any) => c.silhouette !== null).map((c: any) => c.silhouette))).toBeCloseTo(d.silhouette, 12)
        expect(d.clusters).toHaveLength(d.k)
        expect(d.clusters.reduce((s: number, c: any) => s + c.size, 0)).toBe(withOrders.length)
        for (const c of d.clusters) {
          expect(c.description).toMatch(/spent|ordered|last order/)
          expect(validateRule(c.rule, defaultCatalog).ok).toBe(true)
          expect(parse(c.rule_text)).toEqual(c.rule)
          expect(c.rule_recall).toBeGreaterThan(0)
        }
        console.log(`discover: k=${d.k} silhouette=${d.silhouette.toFixed(3)}\n${d.clusters.map((c: any) => `  ${c.size} × ${c.description}  [${c.rule_text}]`).join("\n")}`)

        // deterministic (up to the clock moving the recency a few seconds), and k can be forced
        const again = (await get("/admin/personalization/discover")).data.discovery
        expect(again.k).toBe(d.k)
        const summary = (c: any) => ({ size: c.size, description: c.description, rule_text: c.rule_text })
        expect(again.clusters.map(summary)).toEqual(d.clusters.map(summary))
        const three = await get("/admin/personalization/discover?k=3")
        expect(three.data.discovery.k).toBe(3)
        const bad = await get("/admin/personalization/discover?k=9")
        expect(bad.status).toBe(400)
        expect(bad.data.message).toMatch(/^k: must be between 2 and 8/)
      })

      it("creates a segment from a cluster through the segment workflow; members follow its rule", async () => {
        const d = (await get("/admin/personalization/discover?k=3")).data.discovery
        const res = await post("/admin/personalization/discover/segments", { cluster: 0, k: 3, handle: "top-cluster", status: "active" })
        expect(res.status).toBe(201)
        expect(res.data.cluster).toMatchObject({ index: 0, k: 3, rule_text: d.clusters[0].rule_text })
        expect(res.data.segment).toMatchObject({ handle: "top-cluster", rule_text: d.clusters[0].rule_text, status: "active" })
        expect(res.data.segment.customer_group.id).toBeTruthy()
        const members = await openMembers(res.data.segment.id)
        expect(members).toEqual(await expectedMembers(res.data.segment.id, new Date()))
        expect(members.length).toBeGreaterThan(0)

        const missing = await post("/admin/personalization/discover/segments", { cluster: 5, k: 3, handle: "nope" })
        expect(missing.status).toBe(400)
        expect(missing.data.message).toMatch(/^cluster: must be between 0 and 2 \(k = 3\)/)
        const unknown = await post("/admin/personalization/discover/segments", { cluster: 0, handle: "x-y", colour: "red" })
        expect(unknown.status).toBe(400)
        expect(unknown.data.message).toMatch(/colour: unknown field/)
        const badHandle = await post("/admin/personalization/discover/segments", { cluster: 0, handle: "Not OK" })
        expect(badHandle.status).toBe(400)
        expect(badHandle.data.message).toMatch(/^handle: /)
        const dup = await post("/admin/personalization/discover/segments", { cluster: 1, k: 3, handle: "top-cluster" })
        expect(dup.status).toBe(409)
      })
    })
  },
})
