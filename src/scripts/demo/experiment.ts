// A running experiment with history: "Welcome back" (the home hero's variant for repeat buyers) against a holdout
// that sees the default, started four weeks ago. Created with the plugin's createExperimentWorkflow (started_at in the
// past); its history is the exposures the storefront would have logged — each repeat buyer who "opened the home page"
// on a day of those four weeks was served through the sections route's own code path (rankVariants + firstNotHeldOut,
// with that day as the clock), which assigns the arm by hash and logs the exposure. Conversions are the seeded orders
// that fall in the conversion window after each exposure, so GET /admin/personalization/experiments/:id shows results.
//
// The salt is fixed (an admin/test option) and chosen deterministically so that the demo member account lands in the
// treatment arm (they see "Welcome back", as the printed lines promise) and each arm has at least `MIN_SAMPLE`
// subjects and a conversion.
import type { MedusaContainer } from "@medusajs/framework/types"
import manifest from "./manifest.json"
import type { Rng } from "./prng"
import type { DemoPlacement } from "./placements"
import { WELCOME_BACK } from "./placements"
import { createExperimentWorkflow } from "../../workflows/analytics/experiment"
import { firstNotHeldOut } from "../../lib/experiments/expose"
import { rankVariants } from "../../lib/experiments/storefront"
import { sql } from "../../lib/db/raw-sql"
import { COUNTED_ORDER_SQL } from "../../lib/analytics/snapshots"
import { assignArm } from "../../core/stats"

const DAY = 86_400_000
export const EXPERIMENT = { holdout_percent: 30, conversion_window_days: 14, min_sample: 20, started_days_ago: 28 }
const EXPOSED_SHARE = 0.9 // of the repeat buyers, who visited the home page during the four weeks

type Planned = { customer_id: string; email: string; at: Date }

/** Creates the experiment and its history when no experiment of that name exists; returns its id. */
export async function ensureDemoExperiment(
  container: MedusaContainer,
  ctx: { placements: DemoPlacement[]; segmentIds: Record<string, string>; memberId: string; now: Date; seed: number; rng: Rng; log: (m: string) => void }
): Promise<string | null> {
  const [existing] = await sql<{ id: string }>(
    container,
    `SELECT id FROM personalization_experiment WHERE name = $1 AND deleted_at IS NULL ORDER BY created_at LIMIT 1`,
    [manifest.experimentName]
  )
  if (existing) return existing.id
  const hero = ctx.placements.find((p) => p.handle === "home.hero")
  const variant = hero?.variants.find((v) => v.name === WELCOME_BACK && v.segment_id === ctx.segmentIds["repeat-buyers"])
  if (!hero || !variant) {
    ctx.log(`experiment skipped: home.hero has no '${WELCOME_BACK}' variant`)
    return null
  }
  const start = new Date(ctx.now.getTime() - EXPERIMENT.started_days_ago * DAY)
  const pool = await planExposures(container, ctx.segmentIds["repeat-buyers"], ctx.memberId, start, ctx.now, ctx.rng)
  // Only visitors the hero would serve "Welcome back" first are in the experiment (a lapsed repeat buyer gets "We miss you").
  const memberOf = await openSegmentsOf(container, pool.map((p) => p.customer_id))
  const rankedFor = (customerId: string) => rankVariants(hero.variants, new Set(memberOf.get(customerId) ?? []))
  const planned = pool.filter((p) => rankedFor(p.customer_id)[0]?.id === variant.id)
  const salt = await chooseSalt(container, planned, ctx.memberId, ctx.seed)
  const { result } = await createExperimentWorkflow(container).run({
    input: {
      name: manifest.experimentName,
      target_type: "placement_variant",
      target_id: variant.id,
      holdout_percent: EXPERIMENT.holdout_percent,
      conversion_window_days: EXPERIMENT.conversion_window_days,
      min_sample: EXPERIMENT.min_sample,
      salt,
      now: start,
    },
  })
  // Serve the home hero to each planned visit, with the visit's time as the clock: the sections route's own path.
  for (const p of planned) await firstNotHeldOut(container, { customer_id: p.customer_id }, rankedFor(p.customer_id), (v) => v.id, p.at)
  ctx.log(`experiment '${manifest.experimentName}' started ${EXPERIMENT.started_days_ago} days ago: ${planned.length} exposures`)
  return result.id
}

/** Who saw the home page when (pure but for the reads): repeat buyers by email, EXPOSED_SHARE of them, the member always. */
async function planExposures(container: MedusaContainer, segmentId: string, memberId: string, start: Date, now: Date, rng: Rng): Promise<Planned[]> {
  const pool = await sql<{ customer_id: string; email: string }>(
    container,
    `SELECT p.customer_id, c.email
       FROM personalization_segment_membership m
       JOIN personalization_customer_profile p ON p.id = m.profile_id AND p.deleted_at IS NULL
       JOIN customer c ON c.id = p.customer_id AND c.deleted_at IS NULL
      WHERE m.segment_id = $1 AND m.exited_at IS NULL AND m.deleted_at IS NULL
      ORDER BY c.email`,
    [segmentId]
  )
  const span = now.getTime() - 2 * DAY - start.getTime()
  return pool
    .map((r) => ({ r, exposed: rng.chance(EXPOSED_SHARE), at: new Date(start.getTime() + DAY / 2 + rng.next() * (span - DAY / 2)) }))
    .filter((x) => x.exposed || x.r.customer_id === memberId)
    .map((x) => ({ customer_id: x.r.customer_id, email: x.r.email, at: x.at }))
    .sort((a, b) => a.at.getTime() - b.at.getTime())
}

/**
 * The first salt `demo-<seed>-<k>` (not used by another experiment) under which the member is in the treatment arm
 * and each arm has at least MIN_SAMPLE subjects (fewer in a small store) and one subject with an order in its window.
 */
async function chooseSalt(container: MedusaContainer, planned: Planned[], memberId: string, seed: number): Promise<string> {
  const orders = await sql<{ customer_id: string; created_at: Date }>(
    container,
    `SELECT o.customer_id, o.created_at FROM "order" o WHERE o.customer_id = ANY($1::text[]) AND ${COUNTED_ORDER_SQL}`,
    [planned.map((p) => p.customer_id)]
  )
  const converts = (p: Planned) =>
    orders.some((o) => o.customer_id === p.customer_id && +new Date(o.created_at) >= +p.at && +new Date(o.created_at) < +p.at + EXPERIMENT.conversion_window_days * DAY)
  const convert = new Map(planned.map((p) => [p.customer_id, converts(p)]))
  // The minimum sample whenever the store is big enough that some salt reaches it (the default demo: ~75 planned
  // visits, ~22 expected in control): the salt search then always finds one, so the results always carry a verdict,
  // whatever Medusa's random customer ids are. A smaller store asks for less.
  const expectedControl = (planned.length * EXPERIMENT.holdout_percent) / 100
  const needed = expectedControl >= EXPERIMENT.min_sample * 0.9 ? EXPERIMENT.min_sample : Math.floor(expectedControl * 0.7)
  const taken = new Set(
    (await sql<{ salt: string }>(container, `SELECT salt FROM personalization_experiment WHERE deleted_at IS NULL AND salt LIKE 'demo-%'`)).map((r) => r.salt)
  )
  let fallback: string | null = null
  for (let k = 0; k < 1000; k++) {
    const salt = `demo-${seed}-${k}`
    if (taken.has(salt)) continue
    const arm = (id: string) => assignArm(`customer:${id}`, salt, EXPERIMENT.holdout_percent)
    if (arm(memberId) !== "treatment") continue
    fallback ??= salt
    const control = planned.filter((p) => arm(p.customer_id) === "control")
    const treatment = planned.filter((p) => arm(p.customer_id) === "treatment")
    const ok = (xs: Planned[]) => xs.length >= needed && (planned.length < 4 || xs.some((p) => convert.get(p.customer_id)))
    if (ok(control) && ok(treatment)) return salt
  }
  return fallback ?? `demo-${seed}-fallback`
}

async function openSegmentsOf(container: MedusaContainer, customerIds: string[]): Promise<Map<string, string[]>> {
  const rows = await sql<{ customer_id: string; segment_ids: string[] }>(
    container,
    `SELECT p.customer_id, array_agg(m.segment_id) AS segment_ids
       FROM personalization_segment_membership m
       JOIN personalization_customer_profile p ON p.id = m.profile_id AND p.deleted_at IS NULL
      WHERE p.customer_id = ANY($1::text[]) AND m.exited_at IS NULL AND m.deleted_at IS NULL
      GROUP BY p.customer_id`,
    [customerIds]
  )
  return new Map(rows.map((r) => [r.customer_id, r.segment_ids]))
}
