// The demo store seed: a region you can check out in, a catalogue, shoppers with 180 days of history,
// and example segments. `seedDemoStore` is idempotent: a store that already has the demo publishable key
// is left alone (segments are still topped up).
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { buildCatalog } from "./catalog"
import { planCustomers } from "./people"
import { createRng } from "./prng"
import { createCatalog } from "./products"
import { createCustomersAndOrders } from "./orders"
import { DEMO_KEY_TITLE, ensureAdminUser, setupStore } from "./store-setup"

export type SeedDemoOptions = {
  customers?: number // default 200
  products?: number // default 32
  seed?: number // PRNG seed, default 42
  now?: Date // orders are spread over the 180 days before this
  admin?: { email: string; password: string } | false
  segments?: boolean // create the example segments, default true
  profiles?: boolean // run the plugin's profile refresh for every customer afterwards, default true
  log?: (message: string) => void
}

export type SeedDemoResult = {
  skipped: boolean
  publishableKey: string
  regionId?: string
  counts?: { products: number; customers: number; orders: number; profiles: number }
  segments: string[]
  ms: number
}

export const DEMO_ADMIN = { email: "admin@medusa-test.com", password: "supersecret" }

export async function seedDemoStore(container: MedusaContainer, opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const started = Date.now()
  const log = opts.log ?? ((m: string) => container.resolve("logger").info(`[demo-seed] ${m}`))
  const admin = opts.admin === undefined ? DEMO_ADMIN : opts.admin
  const wantSegments = opts.segments ?? true

  const existing = await findDemoKey(container)
  if (existing) {
    log("demo store already seeded; skipping the store data")
    if (admin) await ensureAdminUser(container, admin.email, admin.password)
    const segments = wantSegments ? await seedSegments(container, log) : []
    return { skipped: true, publishableKey: existing, segments, ms: Date.now() - started }
  }

  const rng = createRng(opts.seed ?? 42)
  const now = opts.now ?? new Date()
  const catalog = buildCatalog(rng, opts.products ?? 32)
  const people = planCustomers(rng, opts.customers ?? 200, {
    variantCounts: catalog.map((p) => p.variants.length),
    prices: catalog.map((p) => p.variants[0].price),
  })

  const t = () => `${((Date.now() - started) / 1000).toFixed(1)}s`
  const setup = await setupStore(container)
  log(`store, region, shipping and publishable key ready (${t()})`)
  if (admin) await ensureAdminUser(container, admin.email, admin.password)
  const products = await createCatalog(container, setup, catalog)
  log(`${products.length} products with stock (${t()})`)
  const counts = await createCustomersAndOrders(container, setup, products, people, { now })
  log(`${counts.customers} customers, ${counts.orders} orders (${t()})`)
  const segments = wantSegments ? await seedSegments(container, log) : []
  const profiles = opts.profiles ?? true ? await recomputeProfiles(container, now, log) : 0
  log(`done in ${t()}`)
  return {
    skipped: false,
    publishableKey: setup.publishableKey,
    regionId: setup.regionId,
    counts: { products: products.length, ...counts, profiles },
    segments,
    ms: Date.now() - started,
  }
}

async function findDemoKey(container: MedusaContainer) {
  const keys = await container.resolve(Modules.API_KEY).listApiKeys({ title: DEMO_KEY_TITLE, type: "publishable" })
  return keys.find((k) => !k.revoked_at)?.token
}

// Segments come from the plugin's workflow; loaded lazily so the store seed still works while it is missing.
async function seedSegments(container: MedusaContainer, log: (m: string) => void) {
  try {
    // require (not import): a missing plugin workflow must fail here, not when this file loads
    const { createDemoSegments }: typeof import("./segments") = require("./segments")
    const created = await createDemoSegments(container, log)
    log(`segments created: ${created.join(", ") || "none"}`)
    return created
  } catch (e: any) {
    log(`segments skipped: ${e?.message ?? e}`)
    return []
  }
}

// Profiles (traits + memberships) are derived from the orders above: run the plugin's per-customer refresh
// for every customer, so the example segments have members the moment the store opens. Loaded lazily, like
// the segments; a failure is logged, never fatal (the store itself is seeded).
async function recomputeProfiles(container: MedusaContainer, now: Date, log: (m: string) => void) {
  const started = Date.now()
  try {
    const { refreshCustomerProfileWorkflow }: typeof import("../../workflows/pipeline/refresh-customer-profile") =
      require("../../workflows/pipeline/refresh-customer-profile")
    const customers = await container.resolve(Modules.CUSTOMER).listCustomers({}, { select: ["id"], take: null })
    let failed = 0
    let firstError = ""
    await pool(customers, 3, async (c) => {
      try {
        await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: c.id, now } })
      } catch (e: any) {
        failed++
        firstError ||= e?.message ?? String(e)
      }
    })
    log(`profiles refreshed for ${customers.length - failed}/${customers.length} customers in ${((Date.now() - started) / 1000).toFixed(1)}s` +
      (failed ? ` (first error: ${firstError})` : ""))
    return customers.length - failed
  } catch (e: any) {
    log(`profile refresh skipped: ${e?.message ?? e}`)
    return 0
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0
  const worker = async () => {
    while (next < items.length) await fn(items[next++])
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}
