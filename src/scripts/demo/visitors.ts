// Anonymous visitors of the demo store (no account, a visitor id the storefront keeps in `x-visitor-id`) who accepted
// the consent banner and browsed over the last few days. Recorded through the plugin's own store code paths — the
// consent workflow, then `trackEvents` (what POST /store/personalization/events runs) — and evaluated by the
// pipeline's profile workflow, so some of them land in the behavioural segment `home-lovers`.
import type { MedusaContainer } from "@medusajs/framework/types"
import manifest from "./manifest.json"
import type { Rng } from "./prng"
import type { SeededProduct } from "./products"
import { recordConsentWorkflow } from "../../workflows/privacy/record-consent"
import { evaluateProfileWorkflow } from "../../workflows/pipeline/evaluate-profile"
import { trackEvents } from "../../lib/privacy/track"
import { consentGranted, findProfile } from "../../lib/privacy/profiles"
import { sql } from "../../lib/db/raw-sql"

const DAY = 86_400_000
export const HOME_CATEGORY = "home"

export type PlannedVisitor = {
  visitor_id: string
  events: { id: string; type: "product_viewed"; occurred_at: string; properties: { product_id: string; handle: string; category: string } }[]
}

/** The visitor ids the seed makes: demo-visitor-01 … */
export const visitorIds = () =>
  Array.from({ length: manifest.visitors.count }, (_, i) => `${manifest.visitors.prefix}${String(i + 1).padStart(2, "0")}`)

/**
 * Browsing histories (pure, deterministic from `rng` and the catalogue), dated in the last six days (the events
 * route keeps nothing older than seven): about half the visitors lean to home products (3–5 views of them, plus a
 * few others) — among them always `demo-visitor-01`; the others, and always `demo-visitor-02`, view other categories.
 */
export function planVisitors(rng: Rng, products: SeededProduct[], now: Date): PlannedVisitor[] {
  const home = products.filter((p) => p.category === HOME_CATEGORY)
  const other = products.filter((p) => p.category !== HOME_CATEGORY)
  return visitorIds().map((visitor_id, i) => {
    const homeViews = home.length && (visitor_id === manifest.visitors.browsingHome || (visitor_id !== manifest.visitors.notInSegment && rng.chance(0.5))) ? rng.int(3, 5) : 0
    const picks = [
      ...Array.from({ length: homeViews }, () => rng.pick(home)),
      ...Array.from({ length: other.length ? rng.int(1, 4) : 0 }, () => rng.pick(other)),
    ]
    const events = picks
      .map((p) => ({ p, at: now.getTime() - (0.05 + rng.next() * 5.9) * DAY }))
      .sort((a, b) => a.at - b.at)
      .map(({ p, at }, k) => ({
        id: `${visitor_id}-view-${k + 1}`,
        type: "product_viewed" as const,
        occurred_at: new Date(at).toISOString(),
        properties: { product_id: p.id, handle: p.handle, category: p.category },
      }))
    return { visitor_id, events }
  })
}

/**
 * Each planned visitor that is missing (or lacks consent or events): consent recorded, the browsing tracked (ids are
 * fixed, so a resend stores nothing twice), then evaluated. Returns how many visitors were (re)recorded.
 */
export async function ensureDemoVisitors(
  container: MedusaContainer,
  ctx: { products: SeededProduct[]; now: Date; rng: Rng; log: (m: string) => void }
): Promise<number> {
  const plans = planVisitors(ctx.rng, ctx.products, ctx.now)
  let recorded = 0
  for (const v of plans) {
    const subject = { visitor_id: v.visitor_id }
    let profile = await findProfile(container, subject)
    if (profile?.merged_into_id) continue // the id was claimed by a customer (identify): it is theirs now
    const stored = profile ? await storedEvents(container, profile.id) : 0
    if (profile && consentGranted(profile, "personalization") && stored >= v.events.length) continue
    if (!consentGranted(profile, "personalization")) {
      await recordConsentWorkflow(container).run({
        input: { subject, decisions: [{ purpose: "personalization", status: "granted" }], source: "store", policy_version: "demo-1", now: ctx.now },
      })
    }
    const tracked = await trackEvents(container, subject, { events: v.events, context: { device_type: "desktop" } }, ctx.now)
    if (tracked.dropped_no_consent || tracked.dropped_stale) throw new Error(`demo visitor ${v.visitor_id}: events dropped ${JSON.stringify(tracked)}`)
    profile = await findProfile(container, subject)
    // trackEvents asks a subscriber to evaluate; `medusa exec` loads no subscribers, so evaluate here (same workflow)
    if (profile) await evaluateProfileWorkflow(container).run({ input: { profile_id: profile.id, now: ctx.now } })
    recorded++
  }
  if (recorded) ctx.log(`${recorded} consenting visitors with browsing history`)
  return recorded
}

async function storedEvents(container: MedusaContainer, profileId: string): Promise<number> {
  const [row] = await sql<{ n: number }>(
    container,
    `SELECT count(*)::int AS n FROM personalization_behavior_event WHERE profile_id = $1 AND deleted_at IS NULL`,
    [profileId]
  )
  return row?.n ?? 0
}
