// The showcase: what puts the demo store's segments to work, so `npm run dev` shows the whole product at once —
// two shopper accounts (a member of the gated segments and a customer in neither), consenting visitors with browsing
// history, a promotion and a price list gated to public segments, placements with segment-targeted variants, and a
// running experiment with history. Everything goes through the plugin's own workflows and store code paths, and each
// part is made only when it is missing, so a second run — or a run on a store an older seed made — ends in the same
// demo with nothing twice. Dates are relative to `now`; random choices come from the seed's PRNG (own streams, so
// the catalogue and the 180 days of orders are unchanged).
import type { MedusaContainer } from "@medusajs/framework/types"
import { createRng } from "./prng"
import { loadDemoProducts, loadStoreSetup } from "./existing"
import { ensureDemoShoppers, type ShopperRole } from "./shoppers"
import { ensureDemoVisitors } from "./visitors"
import { ensureDemoOffers } from "./offers"
import { ensureDemoPlacements } from "./placements"
import { ensureDemoExperiment } from "./experiment"
import { sql } from "../../lib/db/raw-sql"

export type ShowcaseResult = {
  shoppers: Record<ShopperRole, string>
  visitorsRecorded: number
  promotionId: string
  priceListId: string
  placements: string[]
  experimentId: string | null
}

const NEEDED_SEGMENTS = ["repeat-buyers", "lapsed", "vip", "home-lovers"]

export async function ensureShowcase(
  container: MedusaContainer,
  opts: { now: Date; seed: number; log: (m: string) => void }
): Promise<ShowcaseResult | null> {
  const { now, log } = opts
  const setup = await loadStoreSetup(container)
  const products = await loadDemoProducts(container)
  if (!setup || !products.length) {
    log("showcase skipped: no demo region or catalogue")
    return null
  }
  const segmentIds = Object.fromEntries(
    (
      await sql<{ id: string; handle: string }>(
        container,
        `SELECT id, handle FROM personalization_segment WHERE handle = ANY($1::text[]) AND deleted_at IS NULL AND status = 'active'`,
        [NEEDED_SEGMENTS]
      )
    ).map((s) => [s.handle, s.id])
  )
  const missing = NEEDED_SEGMENTS.filter((h) => !segmentIds[h])
  if (missing.length) {
    log(`showcase skipped: segments ${missing.join(", ")} missing or not active`)
    return null
  }
  const stream = (k: number) => createRng(((opts.seed ^ 0x5eed) >>> 0) + k)

  const shoppers = await ensureDemoShoppers(container, { setup, products, now, rng: stream(1), log })
  const visitorsRecorded = await ensureDemoVisitors(container, { products, now, rng: stream(2), log })
  const offers = await ensureDemoOffers(container, { products, segmentIds, log })
  const placements = await ensureDemoPlacements(container, { products, segmentIds, log })
  const experimentId = await ensureDemoExperiment(container, {
    placements,
    segmentIds,
    memberId: shoppers.member,
    now,
    seed: opts.seed,
    rng: stream(3),
    log,
  })
  await checkShoppers(container, shoppers, segmentIds, log)
  return { shoppers, visitorsRecorded, ...offers, placements: placements.map((p) => p.handle), experimentId }
}

/** Says so (never fails the seed) when a demo account is not where the printed lines promise. */
async function checkShoppers(container: MedusaContainer, ids: Record<ShopperRole, string>, segmentIds: Record<string, string>, log: (m: string) => void) {
  const rows = await sql<{ customer_id: string; segment_id: string }>(
    container,
    `SELECT p.customer_id, m.segment_id FROM personalization_segment_membership m
       JOIN personalization_customer_profile p ON p.id = m.profile_id AND p.deleted_at IS NULL
      WHERE p.customer_id = ANY($1::text[]) AND m.exited_at IS NULL AND m.deleted_at IS NULL`,
    [[ids.member, ids.nonmember]]
  )
  const inSeg = (who: string, handle: string) => rows.some((r) => r.customer_id === who && r.segment_id === segmentIds[handle])
  const problems = [
    ...["vip", "repeat-buyers"].filter((h) => !inSeg(ids.member, h)).map((h) => `the member is not in ${h}`),
    ...["vip", "repeat-buyers"].filter((h) => inSeg(ids.nonmember, h)).map((h) => `the non-member is in ${h}`),
  ]
  if (problems.length) log(`WARNING demo shoppers: ${problems.join("; ")}`)
}
