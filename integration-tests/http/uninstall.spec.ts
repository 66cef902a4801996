// Issue #24.4: uninstalling removes what the plugin created — run through the `medusa exec` script's own function
// (src/scripts/uninstall.ts) against a real Medusa on real Postgres. The fixture is a store with the plugin in use: two
// segments with managed groups (one with consenting members), a merchant's own group, promotions and price lists
// gated on them in every shape (only ours, ours + the merchant's, an exclusion, an experiment's holdout marker, a
// draft, one not ours at all). Each test starts from that snapshot.
//   1. the dry run lists everything (figures equal independent SQL counts) and changes nothing;
//   2. --yes: offers keep the merchant's groups, an offer whose gate empties is deactivated (never opened to all), the
//      managed groups are deleted (customers stay), the tables and migration records are gone;
//   3. a failure in the last step (a merchant's view on a plugin table) leaves the store exactly as it was.
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import { seedDemoStore, type SeedDemoResult } from "../../src/scripts/demo/seed"
import { adminHeaders } from "../helpers/auth"
import { registerShopper, waitFor } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import uninstallPersonalization from "../../src/scripts/uninstall"
import { pluginMigrationNames, pluginTables } from "../../src/lib/uninstall/tables"
import type { UninstallPlan } from "../../src/lib/uninstall/plan"

jest.setTimeout(300_000)

const GROUP_RULE = "customer.groups.id"

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let seeded: SeedDemoResult
    const ids: Record<string, string> = {}

    beforeAll(async () => {
      const container = getContainer()
      seeded = await seedDemoStore(container, { customers: 2, products: 1, admin: false, segments: false, log: () => undefined })
      const admin = (await adminHeaders(container, "uninstall-admin@uninstall.example")).headers
      const post = (url: string, body: unknown) => api.post(url, body, { headers: admin, validateStatus: () => true })

      const domain = `vip-${Date.now()}.uninstall.example`
      const vip = await post("/admin/personalization/segments", { handle: "vip", name: "VIP", rule_text: `email_domain = '${domain}'`, status: "active" })
      const lapsed = await post("/admin/personalization/segments", { handle: "lapsed", name: "Lapsed", rule_text: "orders_count >= 100", status: "active" })
      expect([vip.status, lapsed.status]).toEqual([201, 201])
      ids.vip = vip.data.segment.id
      ids.vipGroup = vip.data.segment.customer_group_id
      ids.lapsedGroup = lapsed.data.segment.customer_group_id
      for (const email of [`a@${domain}`, `b@${domain}`]) {
        const s = await registerShopper(api, seeded.publishableKey!, email)
        await api.post("/store/personalization/consent", { purposes: { personalization: "granted" } }, { headers: s.headers })
      }
      const customers = container.resolve(Modules.CUSTOMER)
      await waitFor(
        async () => (await customers.listCustomerGroupCustomers({ customer_group_id: ids.vipGroup })).length === 2,
        "both shoppers in the VIP group"
      )
      const [b2b] = await customers.createCustomerGroups([{ name: "B2B (merchant's own)" }])
      ids.b2b = b2b.id

      const promotions = container.resolve(Modules.PROMOTION)
      const promo = async (code: string, status: string, rules: { operator: string; values: string[] }[]) => {
        const [p] = await promotions.createPromotions([
          {
            code,
            type: "standard",
            status,
            is_automatic: true,
            application_method: { type: "percentage", target_type: "order", allocation: "across", value: 10, currency_code: "eur" },
            rules: rules.map((r) => ({ attribute: GROUP_RULE, ...r })),
          } as any,
        ])
        ids[code] = p.id
      }
      await promo("VIPONLY", "active", [{ operator: "in", values: [ids.vipGroup] }])
      await promo("MIXED", "active", [{ operator: "in", values: [ids.vipGroup, ids.b2b] }])
      await promo("DRAFTED", "draft", [{ operator: "in", values: [ids.lapsedGroup] }])
      await promo("NOTLAPSED", "active", [{ operator: "ne", values: [ids.lapsedGroup] }])
      await promo("HELDOUT", "active", [
        { operator: "in", values: [ids.b2b] },
        { operator: "ne", values: ["pxhold_pexp_01TEST"] },
      ])
      await promo("B2BONLY", "active", [{ operator: "in", values: [ids.b2b] }])

      const pricing = container.resolve(Modules.PRICING)
      const [vipPrices, mixedPrices] = await pricing.createPriceLists([
        { title: "VIP prices", description: "x", status: "active", type: "sale", rules: { [GROUP_RULE]: [ids.vipGroup] } } as any,
        { title: "Mixed prices", description: "x", status: "active", type: "sale", rules: { [GROUP_RULE]: [ids.lapsedGroup, ids.b2b] } } as any,
      ])
      ids.vipPrices = vipPrices.id
      ids.mixedPrices = mixedPrices.id
    })

    /** Runs the exec script's function as `medusa exec` would, capturing what it prints. */
    async function runScript(args: string[]) {
      const lines: string[] = []
      const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: any) => {
        lines.push(...String(chunk).split("\n").filter(Boolean))
        return true
      })
      try {
        await uninstallPersonalization({ container: getContainer(), args } as any)
      } finally {
        spy.mockRestore()
      }
      return lines
    }

    /** The store's state the uninstall may touch, read with SQL (not through the code under test). */
    async function storeState() {
      const c = getContainer()
      const promotionRules = await sql<{ code: string; status: string; operator: string; values: string }>(
        c,
        `SELECT p.code, p.status, r.operator, string_agg(v.value, ',' ORDER BY v.value) AS values
           FROM promotion p
           JOIN promotion_promotion_rule pr ON pr.promotion_id = p.id
           JOIN promotion_rule r ON r.id = pr.promotion_rule_id AND r.deleted_at IS NULL AND r.attribute = $1
           JOIN promotion_rule_value v ON v.promotion_rule_id = r.id AND v.deleted_at IS NULL
          WHERE p.deleted_at IS NULL GROUP BY p.code, p.status, r.id, r.operator ORDER BY p.code, r.operator`,
        [GROUP_RULE]
      )
      const promotionStatus = await sql<{ code: string; status: string }>(c, `SELECT code, status FROM promotion WHERE deleted_at IS NULL ORDER BY code`)
      const priceLists = await sql<{ title: string; status: string; value: unknown }>(
        c,
        `SELECT l.title, l.status, r.value FROM price_list l
           LEFT JOIN price_list_rule r ON r.price_list_id = l.id AND r.deleted_at IS NULL AND r.attribute = $1
          WHERE l.deleted_at IS NULL ORDER BY l.title`,
        [GROUP_RULE]
      )
      const groups = await sql<{ id: string; name: string; members: number }>(
        c,
        `SELECT g.id, g.name, (SELECT count(*)::int FROM customer_group_customer l WHERE l.customer_group_id = g.id AND l.deleted_at IS NULL) AS members
           FROM customer_group g WHERE g.deleted_at IS NULL ORDER BY g.name`
      )
      const tables = (
        await sql<{ table_name: string }>(c, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'personalization%' ORDER BY 1`)
      ).map((r) => r.table_name)
      const migrations = (await sql<{ name: string }>(c, `SELECT name FROM mikro_orm_migrations WHERE name = ANY($1::text[]) ORDER BY name`, [pluginMigrationNames()])).map(
        (r) => r.name
      )
      const customers = (await sql<{ n: number }>(c, `SELECT count(*)::int AS n FROM customer WHERE deleted_at IS NULL`))[0].n
      return { promotionRules, promotionStatus, priceLists, groups, tables, migrations, customers }
    }

    it("dry run: lists segments, groups, every gated offer and what happens to it, tables and migrations — and changes nothing", async () => {
      const before = await storeState()
      expect(before.tables).toEqual(pluginTables())
      expect(before.migrations).toEqual(pluginMigrationNames())

      const lines = await runScript(["--json"])
      const { plan } = JSON.parse(lines[0]) as { plan: UninstallPlan }

      expect(plan.segments.map((s) => s.handle)).toEqual(["lapsed", "vip"])
      expect(plan.groups.map((g) => [g.id, g.segment_handle, g.members]).sort()).toEqual(
        [
          [ids.lapsedGroup, "lapsed", 0],
          [ids.vipGroup, "vip", 2],
        ].sort()
      )
      expect(plan.our_group_ids).toEqual([ids.lapsedGroup, ids.vipGroup].sort())
      const byCode = Object.fromEntries(plan.promotions.map((p) => [`${p.code}:${p.operator}`, p.change]))
      expect(byCode).toEqual({
        "VIPONLY:in": { kind: "remove", removed: [ids.vipGroup], deactivate: true },
        "MIXED:in": { kind: "keep", removed: [ids.vipGroup], values: [ids.b2b] },
        "DRAFTED:in": { kind: "remove", removed: [ids.lapsedGroup], deactivate: false },
        "NOTLAPSED:ne": { kind: "remove", removed: [ids.lapsedGroup], deactivate: false },
        "HELDOUT:ne": { kind: "remove", removed: ["pxhold_pexp_01TEST"], deactivate: false },
      })
      const byList = Object.fromEntries(plan.price_lists.map((p) => [p.title, p.change]))
      expect(byList).toEqual({
        "VIP prices": { kind: "remove", removed: [ids.vipGroup], deactivate: true },
        "Mixed prices": { kind: "keep", removed: [ids.lapsedGroup], values: [ids.b2b] },
      })
      // row counts equal an independent count of each table
      for (const t of plan.tables) {
        const [{ n }] = await sql<{ n: number }>(getContainer(), `SELECT count(*)::int AS n FROM "${t.name}"`)
        expect([t.name, t.rows]).toEqual([t.name, n])
      }
      expect(plan.tables.map((t) => t.name)).toEqual(pluginTables())
      expect(plan.tables.find((t) => t.name === "personalization_segment")!.rows).toBe(2)
      expect(plan.migrations).toEqual(pluginMigrationNames())

      // the human-readable dry run names the offers and says nothing was changed
      const text = (await runScript([])).join("\n")
      expect(text).toContain("DRY RUN (nothing is changed)")
      expect(text).toMatch(/VIPONLY \(promo_[^)]*, active\): rule .* → rule removed and the offer set to "inactive"/)
      expect(text).toContain(`MIXED (${ids.MIXED}, active)`)
      expect(text).toContain(`VIP prices (${ids.vipPrices}, active)`)
      expect(text).toContain("personalization_segment (2 rows)")
      expect(text).toContain("Run again with `-- --yes`")

      expect(await storeState()).toEqual(before)
    })

    it("--yes: offers lose only our groups (an emptied gate deactivates its offer), managed groups go, customers stay, tables and migration records go", async () => {
      const before = await storeState()
      const text = (await runScript(["--yes"])).join("\n")
      expect(text).toContain("promotion VIPONLY: group rule removed, set to inactive")
      expect(text).toContain("tables dropped: 14; migration records deleted: " + pluginMigrationNames().length)

      const after = await storeState()
      expect(after.promotionRules).toEqual([
        { code: "B2BONLY", status: "active", operator: "in", values: ids.b2b },
        { code: "HELDOUT", status: "active", operator: "in", values: ids.b2b },
        { code: "MIXED", status: "active", operator: "in", values: ids.b2b },
      ])
      expect(after.promotionStatus).toEqual([
        { code: "B2BONLY", status: "active" },
        { code: "DRAFTED", status: "draft" },
        { code: "HELDOUT", status: "active" },
        { code: "MIXED", status: "active" },
        { code: "NOTLAPSED", status: "active" },
        { code: "VIPONLY", status: "inactive" },
      ])
      expect(after.priceLists).toEqual([
        { title: "Mixed prices", status: "active", value: [ids.b2b] },
        { title: "VIP prices", status: "draft", value: null },
      ])
      expect(after.groups.map((g) => g.id)).toEqual(before.groups.map((g) => g.id).filter((id) => id !== ids.vipGroup && id !== ids.lapsedGroup))
      expect(after.groups.map((g) => g.id)).toContain(ids.b2b)
      expect(after.customers).toBe(before.customers)
      expect(after.tables).toEqual([])
      expect(after.migrations).toEqual([])
    })

    it("a failure in the last step (a merchant's view on a plugin table) compensates: the store is exactly as it was", async () => {
      const c = getContainer()
      await sql(c, `CREATE VIEW merchant_segment_report AS SELECT handle FROM personalization_segment`)
      const before = await storeState()
      await expect(runScript(["--yes"])).rejects.toThrow(/rolled back: dropping the plugin's tables failed, nothing was dropped: .*view merchant_segment_report depends on table personalization_segment/)
      expect(await storeState()).toEqual(before)
      // the allowed path right after: without the view the same command goes through
      await sql(c, `DROP VIEW merchant_segment_report`)
      await runScript(["--yes"])
      expect((await storeState()).tables).toEqual([])
    })
  },
})
