// The demo store seed: a region you can check out in (the store's default region), a catalogue, shoppers with 180 days of history,
// and example segments; with `showcase` (what `npm run dev` seeds) also what puts them to work (./showcase.ts). `seedDemoStore`
// is idempotent: a store that already has the demo publishable key keeps its store data (segments and the showcase are
// topped up: whatever is missing is made, nothing twice).
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { buildCatalog } from "./catalog"
import { planCustomers } from "./people"
import { createRng } from "./prng"
import { createCatalog } from "./products"
import { createCustomersAndOrders } from "./orders"
import { createPublishableKey, DEMO_KEY_TITLE, ensureAdminUser, ensureDefaultRegion, setupStore } from "./store-setup"
import type { ShowcaseResult } from "./showcase"

export type SeedDemoOptions = {
  customers?: number // default 200
  products?: number // default 32
  seed?: number // PRNG seed, default 42
  now?: Date // orders are spread over the 180 days before this
  admin?: { email: string; password: string } | false
  segments?: boolean // create the example segments, default true
  profiles?: boolean // run the plugin's profile refresh for every customer afterwards, default true
  recommendations?: boolean // build product similarity from the seeded orders afterwards, default true
  // The showcase (demo shopper accounts, visitors, gated offers, placements, a running experiment; ./showcase.ts).
  // Default false: tests seed stores as fixtures and make their own; the `npm run dev` seed (seed-demo.ts) turns it on.
  showcase?: boolean
  log?: (message: string) => void
}

export type SeedDemoResult = {
  skipped: boolean
  publishableKey: string
  regionId?: string
  counts?: { products: number; customers: number; orders: number; profiles: number }
  segments: string[]
  showcase?: ShowcaseResult | null
  ms: number
}

export const DEMO_ADMIN = { email: "admin@medusa-test.com", password: "supersecret" }

export async function seedDemoStore(container: MedusaContainer, opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const started = Date.now()
  const log = opts.log ?? ((m: string) => container.resolve("logger").info(`[demo-seed] ${m}`))
  const admin = opts.admin === undefined ? DEMO_ADMIN : opts.admin
  const wantSegments = opts.segments ?? true
  const showcase = !!opts.showcase && wantSegments

  const existing = await findDemoKey(container)
  if (existing) {
    log("demo store already seeded; skipping the store data")
    if (admin) await ensureAdminUser(container, admin.email, admin.password)
    // stores seeded before the demo region became the default get it now (storefront calls without region_id)
    const regionId = await ensureDefaultRegion(container)
    const segments = wantSegments ? await seedSegments(container, log, showcase) : []
    // segments missing from an earlier run (e.g. interrupted) need their members computed
    if (segments.length && (opts.profiles ?? true)) await recomputeProfiles(container, opts.now ?? new Date(), log)
    const shown = showcase ? await seedShowcase(container, opts.now ?? new Date(), opts.seed ?? 42, log) : undefined
    return { skipped: true, publishableKey: existing, regionId: regionId ?? undefined, segments, showcase: shown, ms: Date.now() - started }
  }

  const rng = createRng(opts.seed ?? 42)
  const now = opts.now ?? new Date()
  const catalog = buildCatalog(rng, opts.products ?? 32)
  if ((await container.resolve(Modules.PRODUCT).listProducts({ handle: catalog[0].handle }, { select: ["id"] })).length) {
    throw new Error("a previous demo seed stopped half-way (demo products but no publishable key); start over with `npm run dev -- --reset`")
  }
  const people = planCustomers(rng, opts.customers ?? 200, {
    variantCounts: catalog.map((p) => p.variants.length),
    prices: catalog.map((p) => p.variants[0].price),
    categories: catalog.map((p) => p.category),
  })

  const t = () => `${((Date.now() - started) / 1000).toFixed(1)}s`
  const setup = await setupStore(container)
  log(`store, region and shipping ready (${t()})`)
  if (admin) await ensureAdminUser(container, admin.email, admin.password)
  const products = await createCatalog(container, setup, catalog)
  log(`${products.length} products with stock (${t()})`)
  const counts = await createCustomersAndOrders(container, setup, products, people, { now })
  log(`${counts.customers} customers, ${counts.orders} orders (${t()})`)
  // the key last: it is what marks the store as seeded (here and in scripts/dev.js)
  const publishableKey = await createPublishableKey(container, setup.salesChannelId)
  const segments = wantSegments ? await seedSegments(container, log, showcase) : []
  const profiles = opts.profiles ?? true ? await recomputeProfiles(container, now, log) : 0
  if (opts.recommendations ?? true) await buildRecommendations(container, log)
  const shown = showcase ? await seedShowcase(container, now, opts.seed ?? 42, log) : undefined
  log(`done in ${t()}`)
  return {
    skipped: false,
    publishableKey,
    regionId: setup.regionId,
    counts: { products: products.length, ...counts, profiles },
    segments,
    showcase: shown,
    ms: Date.now() - started,
  }
}

async function findDemoKey(container: MedusaContainer) {
  const keys = await container.resolve(Modules.API_KEY).listApiKeys({ title: DEMO_KEY_TITLE, type: "publishable" })
  return keys.find((k) => !k.revoked_at)?.token
}

// Segments come from the plugin's workflow; loaded lazily so the store seed still works while it is missing.
async function seedSegments(container: MedusaContainer, log: (m: string) => void, showcase: boolean) {
  try {
    // require (not import): a missing plugin workflow must fail here, not when this file loads
    const { createDemoSegments }: typeof import("./segments") = require("./segments")
    const created = await createDemoSegments(container, log, { showcase })
    log(`segments created: ${created.join(", ") || "none"}`)
    return created
  } catch (e: any) {
    log(`segments skipped: ${e?.message ?? e}`)
    return []
  }
}

// Profiles (traits) and memberships are derived from the orders above. The plugin's batch tools build them in
// a few set-based passes: backfill every customer's profile, record consent (imported for account holders, as from a
// previous system; given at checkout by most guests), then refresh every active segment — so the example segments open with
// members. Loaded lazily, like the segments; a failure is logged, never fatal (the store itself is seeded).
async function recomputeProfiles(container: MedusaContainer, now: Date, log: (m: string) => void) {
  const started = Date.now()
  try {
    const { backfillProfiles }: typeof import("../../lib/pipeline/backfill-profiles") = require("../../lib/pipeline/backfill-profiles")
    const { importConsentForAccounts }: typeof import("../../lib/consent/import-consent") = require("../../lib/consent/import-consent")
    const { refreshAllSegments }: typeof import("../../lib/segments/refresh-segments") = require("../../lib/segments/refresh-segments")
    const backfill = await backfillProfiles(container, { now })
    const { recordConsentWorkflow }: typeof import("../../workflows/privacy/record-consent") = require("../../workflows/privacy/record-consent")
    const consented = await importConsentForAccounts(container, { purpose: "personalization", now })
    // Guests consent at checkout, or not: two in three accepted the banner, the rest stay out of every segment.
    const guests = await container.resolve(Modules.CUSTOMER).listCustomers({ has_account: false }, { select: ["id", "email"], take: null })
    const accepting = guests.sort((a, b) => a.email.localeCompare(b.email)).filter((_, i) => i % 3 !== 2)
    // a re-run (segments topped up on a seeded store) records no decision twice: guests who decided keep it
    const { sql }: typeof import("../../lib/db/raw-sql") = require("../../lib/db/raw-sql")
    const decided = new Set(
      (
        await sql<{ customer_id: string }>(
          container,
          `SELECT customer_id FROM personalization_customer_profile WHERE customer_id = ANY($1::text[]) AND consent ? 'personalization' AND deleted_at IS NULL`,
          [accepting.map((g) => g.id)]
        )
      ).map((r) => r.customer_id)
    )
    for (const g of accepting.filter((g) => !decided.has(g.id))) {
      await recordConsentWorkflow(container).run({
        input: { subject: { customer_id: g.id }, decisions: [{ purpose: "personalization", status: "granted" }], source: "store", now },
      })
    }
    const { refreshed, failed } = await refreshAllSegments(container, now)
    const sizes = refreshed.map((r) => r.member_count).join("/")
    log(
      `profiles: ${backfill.upserted} built, consent: ${consented} imported + ${accepting.length - decided.size} of ${accepting.length}/${guests.length} accepting guests, ${refreshed.length} segments refreshed ` +
        `(members ${sizes}${failed.length ? `, ${failed.length} failed: ${failed[0].error}` : ""}) in ${((Date.now() - started) / 1000).toFixed(1)}s`
    )
    return backfill.upserted
  } catch (e: any) {
    log(`profile refresh skipped: ${e?.message ?? e}`)
    return 0
  }
}

// The showcase (./showcase.ts), loaded lazily like the segments. Unlike them it fails the seed: `npm run dev` prints
// logins and lines that rely on it, so a half-made showcase must be seen (the next run tops it up).
async function seedShowcase(container: MedusaContainer, now: Date, seed: number, log: (m: string) => void) {
  const started = Date.now()
  const { ensureShowcase }: typeof import("./showcase") = require("./showcase")
  const result = await ensureShowcase(container, { now, seed, log })
  log(`showcase ready in ${((Date.now() - started) / 1000).toFixed(1)}s`)
  return result
}

// Product similarity from the seeded orders, so recommendations work right away (the job rebuilds it daily).
// Loaded lazily and never fatal, like the segments.
async function buildRecommendations(container: MedusaContainer, log: (m: string) => void) {
  try {
    const { buildProductSimilarityWorkflow }: typeof import("../../workflows/recommendations/build-product-similarity") =
      require("../../workflows/recommendations/build-product-similarity")
    const { result } = await buildProductSimilarityWorkflow(container).run({ input: {} })
    log(`recommendations: ${result.rows} neighbours for ${result.products} products from ${result.orders} orders`)
  } catch (e: any) {
    log(`recommendations skipped: ${e?.message ?? e}`)
  }
}
