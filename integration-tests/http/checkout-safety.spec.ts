// Issue #10, part 5: checkout safety. With the plugin's subscribers, workflows and hooks forced to fail, carts still
// price and orders still complete; each failure is logged once, with context (what failed, for which order/customer).
// How failure is forced — no test-only switch in the plugin; real faults a store can have:
//   (1) the plugin's storage is gone: its tables are renamed for the duration of a checkout, so every pipeline run,
//       subscriber, the checkout validate hook and the visitor merge fail with real Postgres errors;
//   (2) evaluation throws: an active segment whose stored rule is corrupt (written by SQL behind the API's validation),
//       so every real-time evaluation fails inside the workflow.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, generateEntityId } from "@medusajs/framework/utils"
import { seedDemoStore, type SeedDemoResult } from "../../src/scripts/demo/seed"
import { completeCart, getCart, openCart, registerShopper, waitFor } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import { refreshCustomerProfileWorkflow } from "../../src/workflows/pipeline/refresh-customer-profile"
import { refreshCustomerSafely } from "../../src/lib/pipeline/run-refresh"
import { processDueProfiles } from "../../src/lib/pipeline/process-due-profiles"
import { RETRY_AFTER_SECONDS } from "../../src/lib/pipeline/retry-later"

jest.setTimeout(600_000)

const PLUGIN_TABLES = ["personalization_customer_profile", "personalization_segment", "personalization_segment_membership", "personalization_behavior_event"]

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let seeded: SeedDemoResult

    beforeAll(async () => {
      seeded = await seedDemoStore(getContainer(), { customers: 3, products: 3 })
    })

    /** Captures logger.error / logger.warn lines (still passed through). */
    function captureLogs() {
      const logger = getContainer().resolve(ContainerRegistrationKeys.LOGGER) as unknown as Record<string, (...a: unknown[]) => unknown>
      const lines: { level: string; text: string }[] = []
      const spies = (["error", "warn"] as const).map((level) => {
        const original = logger[level].bind(logger)
        return jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
          lines.push({ level, text: args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ") })
          return original(...args)
        })
      })
      return { lines, restore: () => spies.forEach((s) => s.mockRestore()) }
    }

    async function checkout(tag: string) {
      const shopper = await registerShopper(api, seeded.publishableKey!, `${tag}-${Date.now()}@safety.example`)
      const cartId = await openCart(api, shopper, 2)
      const cart = await getCart(api, shopper, cartId)
      const order = await completeCart(api, shopper, cartId)
      return { shopper, cart, order }
    }

    it("plugin storage gone (tables renamed): carts price, orders complete, each failure logged once with context; the pipeline recovers after", async () => {
      const container = getContainer()
      const logs = captureLogs()
      for (const t of PLUGIN_TABLES) await sql(container, `ALTER TABLE ${t} RENAME TO ${t}_offline`)
      let placed: Awaited<ReturnType<typeof checkout>>
      try {
        placed = await checkout("storage")
        expect(Number(placed.cart.total)).toBeGreaterThan(0)
        expect(placed.cart.items).toHaveLength(1)
        expect(placed.order.id).toMatch(/^order_/)
        expect(Number(placed.order.total)).toBeGreaterThan(0)
        // The order.placed subscriber ran and failed: one error line naming the event, the order and the customer.
        const orderId = placed.order.id
        const lines = await waitFor(async () => {
          const l = logs.lines.filter((x) => x.text.includes(orderId))
          return l.length ? l : null
        }, "the order.placed subscriber's error")
        await new Promise((r) => setTimeout(r, 1000)) // a second line would show up by now
        const aboutOrder = logs.lines.filter((x) => x.text.includes(orderId))
        expect(aboutOrder).toHaveLength(1)
        expect(lines[0].level).toBe("error")
        expect(lines[0].text).toContain("personalization:")
        expect(lines[0].text).toContain(`order.placed ${orderId}`)
        expect(lines[0].text).toContain(placed.shopper.customerId)
        expect(lines[0].text).toMatch(/offline|does not exist|relation/)
      } finally {
        for (const t of PLUGIN_TABLES) await sql(container, `ALTER TABLE ${t}_offline RENAME TO ${t}`)
        logs.restore()
      }
      // eslint-disable-next-line no-console
      console.log(`checkout-safety (storage gone): ${logs.lines.filter((l) => l.text.includes("personalization")).length} personalization errors/warnings logged, order ${placed.order.id} completed`)
      // Storage back: the next run recomputes the traits from Medusa's own data (nothing was lost for good).
      await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: placed.shopper.customerId } })
      const [profile] = await sql<{ orders_count: number }>(container, `SELECT orders_count FROM personalization_customer_profile WHERE customer_id = $1`, [placed.shopper.customerId])
      expect(Number(profile.orders_count)).toBe(1)
    })

    it("evaluation throws (a corrupt active segment rule): carts price, orders complete, each failed evaluation logged once with context", async () => {
      const container = getContainer()
      // Behind the API's validation: the stored rule is JSON null, not a rule AST (an unknown node type would merely
      // evaluate to false; null makes the evaluator throw).
      await sql(
        container,
        `INSERT INTO personalization_segment (id, handle, name, rule, rule_text, status, purpose, is_public, version, member_count, created_at, updated_at)
         VALUES ($1, 'corrupt-rule', 'Corrupt', 'null'::jsonb, 'corrupt', 'active', 'personalization', false, 1, 0, now(), now())`,
        [generateEntityId(undefined, "pseg")]
      )
      const logs = captureLogs()
      let placed: Awaited<ReturnType<typeof checkout>>
      try {
        placed = await checkout("corrupt")
      } finally {
        logs.restore()
      }
      expect(Number(placed.cart.total)).toBeGreaterThan(0)
      expect(placed.order.id).toMatch(/^order_/)
      const orderId = placed.order.id
      const logs2 = captureLogs()
      try {
        const failed = async () => [...logs.lines, ...logs2.lines].filter((x) => x.text.includes(orderId))
        const lines = await waitFor(async () => ((await failed()).length ? failed() : null), "the order.placed evaluation error")
        await new Promise((r) => setTimeout(r, 1000))
        expect(await failed()).toHaveLength(1)
        expect(lines[0]).toMatchObject({ level: "error" })
        expect(lines[0].text).toContain(`refreshing customer ${placed.shopper.customerId} after order.placed ${orderId} failed`)
      } finally {
        logs2.restore()
      }
      // Every earlier pipeline run of this checkout failed the same way (customer created, cart created/updated):
      // one line each, all naming this customer.
      const mine = logs.lines.filter((l) => l.text.includes(placed.shopper.customerId))
      expect(mine.length).toBeGreaterThan(0)
      for (const l of mine) expect(l.text).toMatch(/^personalization: /)
    })

    it("a failed evaluation is queued for the minute job, which retries it once the cause is gone", async () => {
      const container = getContainer()
      const shopper = await registerShopper(api, seeded.publishableKey!, `retry-${Date.now()}@safety.example`)
      await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: shopper.customerId } })
      const segmentId = generateEntityId(undefined, "pseg")
      await sql(
        container,
        `INSERT INTO personalization_segment (id, handle, name, rule, rule_text, status, purpose, is_public, version, member_count, created_at, updated_at)
         VALUES ($1, 'corrupt-retry', 'Corrupt', 'null'::jsonb, 'corrupt', 'active', 'personalization', false, 1, 0, now(), now())`,
        [segmentId]
      )
      const logs = captureLogs()
      try {
        expect(await refreshCustomerSafely(container, shopper.customerId, "retry test")).toBe(false)
      } finally {
        logs.restore()
      }
      expect(logs.lines.filter((l) => l.text.includes(shopper.customerId))).toHaveLength(1)
      const [queued] = await sql<{ next_change_at: Date; db_now: Date }>(
        container,
        `SELECT next_change_at, now() AS db_now FROM personalization_customer_profile WHERE customer_id = $1`,
        [shopper.customerId]
      )
      const inS = (new Date(queued.next_change_at).getTime() - new Date(queued.db_now).getTime()) / 1000
      expect(inS).toBeGreaterThan(RETRY_AFTER_SECONDS - 10)
      expect(inS).toBeLessThanOrEqual(RETRY_AFTER_SECONDS)

      // Before the retry time nothing runs; after it (clock moved, cause removed) the minute job re-evaluates.
      const before = await processDueProfiles(container, new Date(Date.now() + 1_000))
      const [still] = await sql<{ next_change_at: Date }>(container, `SELECT next_change_at FROM personalization_customer_profile WHERE customer_id = $1`, [shopper.customerId])
      expect(new Date(still.next_change_at).getTime()).toBe(new Date(queued.next_change_at).getTime())
      expect(before.due).toBe(0)
      await sql(container, `UPDATE personalization_segment SET deleted_at = now() WHERE id = $1`, [segmentId])
      const run = await processDueProfiles(container, new Date(Date.now() + (RETRY_AFTER_SECONDS + 5) * 1000))
      expect(run.due).toBeGreaterThanOrEqual(1)
      expect(run.refreshed).toBe(run.due)
      const [after] = await sql<{ next_change_at: Date | null }>(container, `SELECT next_change_at FROM personalization_customer_profile WHERE customer_id = $1`, [shopper.customerId])
      // The successful run stored the profile's real next change (none for these demo rules, or a later one).
      expect(after.next_change_at === null || new Date(after.next_change_at).getTime() !== new Date(queued.next_change_at).getTime()).toBe(true)
    })
  },
})
