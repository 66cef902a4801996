// Issue #10, part 1: fuzzing every store and admin personalization route over HTTP (fast-check).
// ≥ 10,000 generated requests in two phases through the runner's in-process HTTP client:
//   valid phase   — valid and boundary inputs, weird-but-legal strings (unicode, SQL/script fragments as data);
//   hostile phase — every request carries a definite defect (missing/forged publishable key, expired/forged/unsigned
//                   tokens, store tokens on admin routes, wrong types, huge numbers, deep JSON, invalid JSON, oversized
//                   bodies, unknown fields/params, malformed visitor ids, unknown or hostile ids).
// Invariants: no 5xx; every response is JSON (nothing is reflected as HTML); every 4xx has a message naming the
// field or the cause; in the hostile phase every request is refused (4xx) and no row is written (row counts of all
// personalization tables and the customer-group tables are unchanged after every batch).
// Routes come from integration-tests/helpers/fuzz-routes.ts (the table) + discovery of src/api/**/route.ts.
import path from "path"
import fc from "fast-check"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { adminHeaders, customerHeaders, publishableKey } from "../helpers/auth"
import { hostileRequest, routesToFuzz, validRequest, type FuzzContext, type FuzzRequest, type RouteSpec } from "../helpers/fuzz-routes"
import { backfillProfiles } from "../../src/lib/pipeline/backfill-profiles"
import { diffCounts, hostileTokens, networkRetries, pool, responseViolations, rowCounts, send, type Sent } from "../helpers/fuzz-runner"

// The request count bounds the run; on this 2-core box shared with other suites it took 10+ minutes, hence the timeout.
jest.setTimeout(1_500_000)

const BATCH = 50
const VALID_RUNS = 20 // 1,000 requests (the expensive ones: workflows, evaluations, model builds)
const HOSTILE_RUNS = 181 // 9,050 requests (cheap: refused before any work)
const CONCURRENCY = 24
const SEED = 20261126
// Tables written only by scheduled jobs (snapshots, alerts, model runs, similarity): a job may run during the suite.
const JOB_TABLES = [
  "personalization_segment_snapshot",
  "personalization_segment_alert",
  "personalization_model_run",
  "personalization_product_similarity",
]
// The rate limiter is exercised by faults.spec.ts; here it would mostly answer 429 to the fuzzer's single IP.
const NO_LIMITS = JSON.stringify({ enabled: false })

// The runner loads medusa-config.ts before it applies its `env` option, so the limits are set here (jest gives each
// test file its own copy of process.env; removed again after the suite all the same).
process.env.MP_RATE_LIMIT = NO_LIMITS
afterAll(() => {
  delete process.env.MP_RATE_LIMIT
})

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let ctx: FuzzContext
    let specs: RouteSpec[]
    let generic: Set<string>
    const figures: Record<string, unknown> = {}

    beforeAll(async () => {
      const container = getContainer()
      const pk = await publishableKey(container)
      const admin = await adminHeaders(container)
      const customers: FuzzContext["customers"] = []
      for (const k of ["a", "b", "c"]) {
        const { customer, headers } = await customerHeaders(container, `fuzz-${k}-${Date.now()}@fuzz.example`)
        customers.push({ id: customer.id, authorization: headers.authorization })
      }
      const extra = await container.resolve(Modules.CUSTOMER).createCustomers([{ email: `fuzz-x-${Date.now()}@fuzz.example` }])
      // A customer made without customer.created has no profile; the scheduled-refresh job's first tick in a process
      // creates the missing ones. Do it here, so that job's write cannot land inside the hostile phase's row counts.
      await backfillProfiles(container, { onlyMissing: true })
      const visitors = Array.from({ length: 8 }, (_, i) => `v_fuzz_${i}_${Math.random().toString(36).slice(2, 10)}`)
      for (const v of visitors.slice(0, 4)) {
        await api.post("/store/personalization/consent", { purposes: { personalization: "granted" } }, { headers: { "x-publishable-api-key": pk, "x-visitor-id": v } })
      }
      for (const c of customers) {
        await api.post("/store/personalization/consent", { purposes: { personalization: "granted" } }, { headers: { "x-publishable-api-key": pk, authorization: c.authorization } })
      }
      const segmentIds: string[] = []
      for (const [handle, rule_text, status] of [
        ["fz-base-events", "event('product_viewed', category = 'fuzz').count(last 24h) >= 1", "active"],
        ["fz-base-orders", "orders_count >= 1", "draft"],
        ["fz-base-spend", "total_spent >= 500", "active"],
        ["fz-base-keep", "orders_count >= 3", "draft"],
      ]) {
        const { data } = await api.post("/admin/personalization/segments", { handle, name: handle, rule_text, status, is_public: true }, { headers: admin.headers })
        segmentIds.push(data.segment.id)
      }
      const secret = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE).projectConfig.http.jwtSecret as string
      let n = 0
      ctx = {
        pk,
        admin: admin.headers,
        customers,
        visitors,
        segmentIds,
        customerIds: [...customers.map((c) => c.id), extra[0].id],
        tokens: hostileTokens(secret, customers[0].id, admin.user.id),
        unique: () => `${Date.now().toString(36)}${(n++).toString(36)}`,
      }
      const discovered = routesToFuzz()
      specs = discovered.specs
      generic = new Set(discovered.generic)
      figures.routes = specs.length
      figures.generic_routes = discovered.generic
      figures.missing_from_src = discovered.missing
    })

    /** All violations, one line per distinct kind + route, with a count (the assertion shows only the first 10). */
    const report = (phase: string, violations: string[]) => {
      if (!violations.length) return
      const groups = new Map<string, { n: number; example: string }>()
      for (const v of violations) {
        const k = v.replace(/ \/(store|admin)\/\S*/, "").replace(/→.*/, "").slice(0, 160)
        const g = groups.get(k) ?? { n: 0, example: v }
        g.n++
        groups.set(k, g)
      }
      // eslint-disable-next-line no-console
      console.log(`fuzz ${phase} violations (${violations.length}):\n` + [...groups.values()].map((g) => `  ${g.n}× ${g.example.slice(0, 400)}`).join("\n"))
    }

    const tally = (sent: Sent[], into: Record<string, Record<string, number>>) => {
      for (const s of sent) {
        const row = (into[s.req.route] ??= {})
        row[s.status] = (row[s.status] ?? 0) + 1
      }
    }

    it("routes: every route in the table exists in src/api, and every discovered route is fuzzed", () => {
      const { missing, generic } = routesToFuzz()
      // A route the table knows but src/api no longer has: update integration-tests/helpers/fuzz-routes.ts.
      expect(missing).toEqual([])
      // eslint-disable-next-line no-console
      console.log(`fuzz: ${specs.length} routes (${generic.length} generic: ${generic.join(", ") || "none"})`)
      expect(specs.length).toBeGreaterThanOrEqual(20)
    })

    it("valid and boundary requests: no 5xx, JSON only, every 4xx names the problem", async () => {
      // Routes from the table weigh more than generic ones (whose random bodies mostly earn a 400, or start a model
      // build); erasures and deletes are rare so the other routes keep something to work on.
      const weight = (spec: RouteSpec) => (spec.destructive ? 1 : generic.has(`${spec.method} ${spec.path}`) ? 2 : 6)
      const arb = fc.oneof(...specs.map((spec) => ({ weight: weight(spec), arbitrary: validRequest(ctx, spec) })))
      const violations: string[] = []
      const byRoute: Record<string, Record<string, number>> = {}
      let total = 0
      const started = Date.now()
      await fc.assert(
        fc.asyncProperty(fc.array(arb, { minLength: BATCH, maxLength: BATCH }), async (batch: FuzzRequest[]) => {
          const sent = await pool(batch, CONCURRENCY, (r) => send(api, r))
          total += sent.length
          tally(sent, byRoute)
          for (const s of sent) violations.push(...responseViolations(s))
        }),
        { numRuns: VALID_RUNS, seed: SEED, endOnFailure: true }
      )
      figures.valid = { requests: total, ms: Date.now() - started, violations: violations.length }
      // eslint-disable-next-line no-console
      console.log(`fuzz valid phase: ${total} requests in ${Date.now() - started} ms`, JSON.stringify(byRoute))
      expect(total).toBe(VALID_RUNS * BATCH)
      report("valid", violations)
      expect(violations.slice(0, 10)).toEqual([])
      // Every route was exercised, and most valid requests were accepted (the generators are not just noise).
      for (const spec of specs) expect(byRoute[`${spec.method} ${spec.path}`]).toBeDefined()
      const ok = Object.values(byRoute).reduce((n, r) => n + Object.entries(r).filter(([s]) => Number(s) < 300).reduce((m, [, c]) => m + c, 0), 0)
      expect(ok / total).toBeGreaterThan(0.5)
    })

    it("hostile requests: each refused with a 4xx naming the problem, none writes a row", async () => {
      const container = getContainer()
      const stable = async () => {
        let a = await rowCounts(container, JOB_TABLES)
        for (let i = 0; i < 30; i++) {
          await new Promise((r) => setTimeout(r, 500))
          const b = await rowCounts(container, JOB_TABLES)
          if (!diffCounts(a, b).length) return b
          a = b
        }
        return a
      }
      let baseline = await stable()
      const arb = fc.oneof(...specs.map((spec) => hostileRequest(ctx, spec)))
      const violations: string[] = []
      const writes: string[] = []
      const byRoute: Record<string, Record<string, number>> = {}
      const byDefect: Record<string, number> = {}
      let total = 0
      const started = Date.now()
      await fc.assert(
        fc.asyncProperty(fc.array(arb, { minLength: BATCH, maxLength: BATCH }), async (batch: FuzzRequest[]) => {
          const sent = await pool(batch, CONCURRENCY, (r) => send(api, r))
          total += sent.length
          tally(sent, byRoute)
          for (const s of sent) {
            const kind = (s.req.defect ?? "?").replace(/\(\d+ levels\)|\(\d+\)/, "").replace(/=.*/, "").trim()
            byDefect[kind] = (byDefect[kind] ?? 0) + 1
            violations.push(...responseViolations(s))
            if (s.status < 400 || s.status >= 500) {
              violations.push(`hostile request not refused: ${s.req.route} ${s.req.url.slice(0, 100)} [${s.req.defect}] → ${s.status} ${s.text.slice(0, 160)}`)
            }
          }
          const after = await rowCounts(container, JOB_TABLES)
          const changed = diffCounts(baseline, after)
          if (changed.length) {
            writes.push(`${changed.join(", ")} after a batch with: ${sent.filter((s) => s.status < 400).map((s) => `${s.req.route} [${s.req.defect}] ${s.status}`).join("; ") || "no accepted request"}`)
            baseline = after
          }
        }),
        { numRuns: HOSTILE_RUNS, seed: SEED + 1, endOnFailure: true }
      )
      figures.network_retries = networkRetries.length
      figures.hostile = { requests: total, ms: Date.now() - started, violations: violations.length, writes: writes.length, defects: Object.keys(byDefect).length }
      // eslint-disable-next-line no-console
      console.log(`fuzz hostile phase: ${total} requests in ${Date.now() - started} ms`, JSON.stringify(byRoute), JSON.stringify(byDefect))
      // eslint-disable-next-line no-console
      console.log(`fuzz figures: ${JSON.stringify(figures)}`)
      expect(total).toBe(HOSTILE_RUNS * BATCH)
      report("hostile", [...violations, ...writes])
      expect(violations.slice(0, 10)).toEqual([])
      expect(writes).toEqual([])
      for (const spec of specs) expect(byRoute[`${spec.method} ${spec.path}`]).toBeDefined()
    })
  },
})
