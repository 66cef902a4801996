// The set-based RFM SQL against the core's scoring, on a real Postgres, for random stores with many ties,
// zero-order and visitor profiles, exact money beyond double precision, and a session time zone that is not UTC.
import fc from "fast-check"
import { createTestDb, type TestDb } from "../../../core/rules/__tests__/support/db"
import { DEFAULT_RFM_GROUPS, recencyDays, scoreRfm } from "../../../core/traits/rfm"
import { applyRfmScores, restoreRfmScores } from "../rfm-sql"

jest.setTimeout(120_000)

const NOW = new Date("2026-06-15T10:30:00.000Z")
const DAY = 86_400_000

describe("RFM SQL = core scoreRfm", () => {
  let db: TestDb
  const run = async <T = Record<string, unknown>>(text: string, values: unknown[] = []) => (await db.client.query(text, values)).rows as T[]

  beforeAll(async () => {
    db = await createTestDb("rfm")
    await db.client.query(`ALTER TABLE personalization_customer_profile
      ADD COLUMN IF NOT EXISTS rfm_r integer NULL, ADD COLUMN IF NOT EXISTS rfm_f integer NULL, ADD COLUMN IF NOT EXISTS rfm_m integer NULL,
      ADD COLUMN IF NOT EXISTS rfm_group text NULL, ADD COLUMN IF NOT EXISTS updated_at timestamptz NULL, ADD COLUMN IF NOT EXISTS merged_into_id text NULL`)
  })
  afterAll(async () => db?.drop())

  const profileArb = fc.record({
    kind: fc.constantFrom("customer", "customer", "customer", "visitor", "no_orders"),
    days: fc.integer({ min: 0, max: 40 }).map((d) => d * 3.3), // few distinct values → many ties, fractional days
    orders: fc.integer({ min: 1, max: 6 }),
    spent: fc.oneof(fc.constantFrom("10", "10.00", "99.99", "12345678901234567.01", "12345678901234567.02"), fc.integer({ min: 0, max: 500 }).map(String)),
  })

  it("scores and groups exactly as the core does; only the population is scored", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(profileArb, { minLength: 0, maxLength: 40 }), async (rows) => {
        await run(`TRUNCATE personalization_customer_profile`)
        const ids = rows.map((_, i) => `p${String(i).padStart(3, "0")}`)
        for (const [i, r] of rows.entries()) {
          const hasOrders = r.kind !== "no_orders"
          await run(
            `INSERT INTO personalization_customer_profile (id, customer_id, visitor_id, orders_count, total_spent, last_order_at, rfm_r, rfm_group)
             VALUES ($1, $2, $3, $4, $5::numeric, $6, $7, $8)`,
            [
              ids[i],
              r.kind === "visitor" ? null : `cus_${i}`,
              r.kind === "visitor" ? `vis_${i}` : null,
              hasOrders ? r.orders : 0,
              hasOrders ? r.spent : "0",
              hasOrders ? new Date(NOW.getTime() - r.days * DAY) : null,
              r.kind === "no_orders" ? 2 : null, // stale scores must be cleared
              r.kind === "no_orders" ? "lost" : null,
            ]
          )
        }
        const before = await run<any>(`SELECT id, rfm_r, rfm_f, rfm_m, rfm_group FROM personalization_customer_profile ORDER BY id`)
        const result = await run("BEGIN").then(() => applyRfmScores(run, NOW, DEFAULT_RFM_GROUPS))
        await run("COMMIT")

        const population = rows.map((r, i) => ({ r, id: ids[i] })).filter(({ r }) => r.kind === "customer")
        const expected = scoreRfm(
          population.map(({ r, id }) => ({
            id,
            recency_days: recencyDays(new Date(NOW.getTime() - r.days * DAY), NOW),
            orders_count: r.orders,
            total_spent: r.spent,
          }))
        )
        expect(result.scored).toBe(population.length)
        const after = await run<any>(`SELECT id, rfm_r, rfm_f, rfm_m, rfm_group FROM personalization_customer_profile ORDER BY id`)
        for (const row of after) {
          const e = expected.get(row.id)
          if (e) expect({ r: row.rfm_r, f: row.rfm_f, m: row.rfm_m, group: row.rfm_group }).toEqual(e)
          else expect([row.rfm_r, row.rfm_f, row.rfm_m, row.rfm_group]).toEqual([null, null, null, null])
        }
        // The returned previous values undo it exactly (the workflow's compensation).
        await restoreRfmScores(run, [...result.changed, ...result.cleared])
        expect(await run<any>(`SELECT id, rfm_r, rfm_f, rfm_m, rfm_group FROM personalization_customer_profile ORDER BY id`)).toEqual(before)
      }),
      { numRuns: 40 }
    )
  })
})
