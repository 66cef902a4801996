// Issue #9: tracked events are evaluated in micro-batches (lib/pipeline/evaluate-tracked.ts →
// workflows/pipeline/evaluate-profiles-batch.ts). Many subjects in one run get the same memberships, groups and
// consent handling as the one-subject path; a subject whose evaluation cannot run in the batch is retried, not lost.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { adminHeaders, customerHeaders, publishableKey } from "../helpers/auth"
import { productViews, visitorId } from "../helpers/privacy"
import { waitFor } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import { trackedBatchStats, trackedEvaluationCounts } from "../../src/lib/pipeline/evaluate-tracked"
import { evaluateProfilesBatchWorkflow } from "../../src/workflows/pipeline/evaluate-profiles-batch"

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

    const post = (url: string, body: unknown, headers: Record<string, string>) => api.post(url, body, { headers, ...ok })
    const asVisitor = (vid: string) => ({ "x-publishable-api-key": pk, "x-visitor-id": vid })

    async function segment(handle: string, rule_text: string, extra: Record<string, unknown> = {}) {
      const res = await api.post("/admin/personalization/segments", { handle, name: handle, rule_text, status: "active", is_public: true, ...extra }, { headers: admin })
      expect(res.status).toBe(201)
      return res.data.segment as { id: string; customer_group_id: string }
    }
    const openMembers = async (segmentId: string) =>
      (
        await sql<{ profile_id: string }>(
          getContainer(),
          `SELECT profile_id FROM personalization_segment_membership WHERE segment_id = $1 AND exited_at IS NULL AND deleted_at IS NULL ORDER BY profile_id`,
          [segmentId]
        )
      ).map((r) => r.profile_id)
    const memberCount = async (segmentId: string) =>
      Number((await sql<{ member_count: number }>(getContainer(), `SELECT member_count FROM personalization_segment WHERE id = $1`, [segmentId]))[0].member_count)
    const profileOfVisitor = async (vid: string) =>
      (await sql<{ id: string; evaluated_at: Date | null }>(getContainer(), `SELECT id, evaluated_at FROM personalization_customer_profile WHERE visitor_id = $1`, [vid]))[0]
    const settled = () => trackedEvaluationCounts.evaluated + trackedEvaluationCounts.skipped + trackedEvaluationCounts.failed

    it("many subjects tracked at once are evaluated together: right memberships, counts, groups, consent", async () => {
      const container = getContainer()
      const lookers = await segment("batch-lookers", "event('product_viewed', category = 'lamps').count(last 24h) >= 2")
      const news = await segment("batch-news", "event('product_viewed', category = 'lamps').count(last 24h) >= 1", { purpose: "marketing" })

      // 12 visitors: the even ones view 2 lamps (enter), the odd ones 1 (stay out); visitor 0 also consented to
      // marketing, the others did not (consent is enforced inside the batch evaluation). Plus one customer.
      const vids = Array.from({ length: 12 }, (_, i) => visitorId(`batch${i}`))
      for (const [i, vid] of vids.entries()) {
        const purposes = i === 0 ? { personalization: "granted", marketing: "granted" } : { personalization: "granted" }
        expect((await post(CONSENT, { purposes }, asVisitor(vid))).status).toBe(200)
      }
      const { customer, headers } = await customerHeaders(container, "batch-shopper@example.com")
      const shopper = { "x-publishable-api-key": pk, ...headers }
      await post(CONSENT, { purposes: { personalization: "granted" } }, shopper)

      const before = { ...trackedBatchStats }
      const settledBefore = settled()
      const answers = await Promise.all([
        ...vids.map((vid, i) => post(EVENTS, { events: productViews(i % 2 === 0 ? 2 : 1, "lamps", `b${i}`) }, asVisitor(vid))),
        post(EVENTS, { events: productViews(3, "lamps", "cust") }, shopper),
      ])
      expect(answers.map((a) => a.status)).toEqual(Array(13).fill(202))
      await waitFor(async () => settled() - settledBefore >= 13, "13 tracked messages handled")

      const profiles = await Promise.all(vids.map(profileOfVisitor))
      const [custProfile] = await sql<{ id: string; evaluated_at: Date | null }>(
        container,
        `SELECT id, evaluated_at FROM personalization_customer_profile WHERE customer_id = $1`,
        [customer.id]
      )
      const expected = [...profiles.filter((_, i) => i % 2 === 0).map((p) => p.id), custProfile.id].sort()
      expect(await openMembers(lookers.id)).toEqual(expected)
      expect(await memberCount(lookers.id)).toBe(7)
      expect(await openMembers(news.id)).toEqual([profiles[0].id]) // only the visitor who granted marketing
      expect(await memberCount(news.id)).toBe(1)
      // Every subject has a completed evaluation recorded.
      for (const p of [...profiles, custProfile]) {
        const [row] = await sql<{ evaluated_at: Date | null }>(container, `SELECT evaluated_at FROM personalization_customer_profile WHERE id = $1`, [p.id])
        expect(row.evaluated_at).toBeTruthy()
      }
      // The customer is in the segment's managed group (what promotions gate on).
      const links = await container.resolve(Modules.CUSTOMER).listCustomerGroupCustomers({ customer_id: customer.id, customer_group_id: lookers.customer_group_id })
      expect(links).toHaveLength(1)
      // All through the batch path (no subject needed the one-subject fallback).
      expect(trackedBatchStats.batched - before.batched).toBe(13)
      expect(trackedBatchStats.fallbacks - before.fallbacks).toBe(0)

      // One run over all 13 again (as a redelivery would do, `at` unknown): plans no change, writes no row.
      const rowsBefore = Number((await sql<{ n: string }>(container, `SELECT count(*) AS n FROM personalization_segment_membership`))[0].n)
      const { result } = await evaluateProfilesBatchWorkflow(container).run({
        input: { subjects: [...profiles.map((p) => ({ profile_id: p.id })), { profile_id: custProfile.id, customer_id: customer.id }] },
      })
      expect(result.evaluated.sort()).toEqual([...profiles.map((p) => p.id), custProfile.id].sort())
      expect(result.busy).toEqual([])
      expect(result.changed).toBe(0)
      expect(Number((await sql<{ n: string }>(container, `SELECT count(*) AS n FROM personalization_segment_membership`))[0].n)).toBe(rowsBefore)

      // A covered message (its batch was seen by a completed evaluation) is skipped inside the run.
      const { result: again } = await evaluateProfilesBatchWorkflow(container).run({
        input: { subjects: [{ profile_id: profiles[1].id, at: "2020-01-01T00:00:00Z" }] },
      })
      expect(again.evaluated).toEqual([])
    })

    it("a subject whose lock is busy is left out of the batch and evaluated once it is free — not lost", async () => {
      const container = getContainer()
      const seg = await segment("busy-lookers", "event('product_viewed', category = 'rugs').count(last 24h) >= 1")
      const vids = Array.from({ length: 4 }, (_, i) => visitorId(`busy${i}`))
      for (const vid of vids) await post(CONSENT, { purposes: { personalization: "granted" } }, asVisitor(vid))
      const held = await profileOfVisitor(vids[0])
      const locking = container.resolve(Modules.LOCKING)
      const key = `personalization:profile-id:${held.id}`
      await locking.acquire(key, { ownerId: "batch-test", expire: 120 })
      const before = { ...trackedBatchStats }
      const countsBefore = { ...trackedEvaluationCounts }
      try {
        const answers = await Promise.all(vids.map((vid, i) => post(EVENTS, { events: productViews(1, "rugs", `r${i}`) }, asVisitor(vid))))
        expect(answers.map((a) => a.status)).toEqual(Array(4).fill(202))
        const others = (await Promise.all(vids.slice(1).map(profileOfVisitor))).map((p) => p.id).sort()
        // The three free subjects are evaluated in the batch while the fourth waits for its lock.
        await waitFor(async () => JSON.stringify(await openMembers(seg.id)) === JSON.stringify(others), "the three free subjects")
        expect(trackedBatchStats.fallbacks - before.fallbacks).toBeGreaterThanOrEqual(1)
        expect(await openMembers(seg.id)).not.toContain(held.id)
      } finally {
        await locking.release(key, { ownerId: "batch-test" })
      }
      // Once the lock is free the one-subject path evaluates it (it waited for the lock; it was not dropped).
      await waitFor(async () => (await openMembers(seg.id)).includes(held.id), "the held subject's evaluation")
      expect(await memberCount(seg.id)).toBe(4)
      await waitFor(
        async () =>
          trackedEvaluationCounts.evaluated + trackedEvaluationCounts.skipped + trackedEvaluationCounts.failed -
            (countsBefore.evaluated + countsBefore.skipped + countsBefore.failed) >= 4,
        "4 tracked messages handled"
      )
      expect(trackedEvaluationCounts.failed - countsBefore.failed).toBe(0)
      expect((await profileOfVisitor(vids[0])).evaluated_at).toBeTruthy()
    })
  },
})
