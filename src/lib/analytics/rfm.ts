// RFM in the shell: the set-based SQL that scores every customer with orders, the distribution the admin reads,
// and the segment refresh after traits computed outside the real-time pipeline change.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { dependencies } from "../../core/rules"
import { orderByReferences } from "../../core/segments"
import { DEFAULT_RFM_GROUPS, rfmGroupTable, type RfmGroupDef } from "../../core/traits/rfm"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import type { PluginOptions } from "../../modules/personalization/options"
import { sql } from "../db/raw-sql"
import type { Run } from "../db/transaction"
import { loadActiveSegments } from "../profile/load-subject"
import { refreshSegment } from "../segments/refresh-segments"

export const RFM_RUN_KIND = "rfm"
export const RFM_TRAITS = ["rfm_r", "rfm_f", "rfm_m", "rfm_group"] as const

/** The group list in force: the plugin option `rfm.groups`, else the documented defaults. */
export function rfmGroupsFromOptions(options: Pick<PluginOptions, "rfm">): RfmGroupDef[] {
  const configured = options.rfm?.groups
  if (!configured?.length) return DEFAULT_RFM_GROUPS.map((g) => ({ ...g }))
  return configured.map((g) => ({ id: g.id, label: g.label ?? g.id, r: g.r, fm: g.fm }))
}

/** Who is scored: customers (not visitors) whose profile has at least one order. */
export const RFM_POPULATION = `p.customer_id IS NOT NULL AND p.deleted_at IS NULL AND p.orders_count > 0 AND p.last_order_at IS NOT NULL`

export type RfmPrevious = { id: string; r: number | null; f: number | null; m: number | null; group: string | null }

/**
 * One UPDATE scores the whole population with window functions — the integer form of the core's mid-rank
 * quintile (src/core/ml/quintiles.ts): floor((10·less + 5·equal) / (2·n)) + 1, where less = rank() − 1 — and
 * names the group by joining the core's (R, F, M) → group table. Only rows whose scores or group change are
 * written; their previous values come back for the compensation. Recency is whole days before `now` (more days,
 * lower R); monetary is the exact numeric total.
 */
export async function applyRfmScores(run: Run, now: Date, groups: readonly RfmGroupDef[]) {
  const table = rfmGroupTable(groups)
  const changed = await run<{ id: string; old_r: number | null; old_f: number | null; old_m: number | null; old_group: string | null }>(
    `WITH base AS (
       SELECT p.id, floor(extract(epoch FROM ($1::timestamptz - p.last_order_at)) / 86400) AS rec,
              p.orders_count AS freq, p.total_spent AS mon
         FROM personalization_customer_profile p
        WHERE ${RFM_POPULATION}
     ), scored AS (
       SELECT id,
              ((10 * (rank() OVER (ORDER BY rec DESC) - 1) + 5 * count(*) OVER (PARTITION BY rec)) / (2 * count(*) OVER ()) + 1)::int AS r,
              ((10 * (rank() OVER (ORDER BY freq) - 1) + 5 * count(*) OVER (PARTITION BY freq)) / (2 * count(*) OVER ()) + 1)::int AS f,
              ((10 * (rank() OVER (ORDER BY mon) - 1) + 5 * count(*) OVER (PARTITION BY mon)) / (2 * count(*) OVER ()) + 1)::int AS m
         FROM base
     ), grouped AS (
       SELECT s.id, s.r, s.f, s.m, g.grp
         FROM scored s
         LEFT JOIN unnest($2::int[], $3::int[], $4::int[], $5::text[]) AS g(r, f, m, grp)
           ON g.r = s.r AND g.f = s.f AND g.m = s.m
     ), target AS (
       SELECT g.*, old.rfm_r AS old_r, old.rfm_f AS old_f, old.rfm_m AS old_m, old.rfm_group AS old_group
         FROM grouped g JOIN personalization_customer_profile old ON old.id = g.id
        WHERE old.rfm_r IS DISTINCT FROM g.r OR old.rfm_f IS DISTINCT FROM g.f
           OR old.rfm_m IS DISTINCT FROM g.m OR old.rfm_group IS DISTINCT FROM g.grp
     )
     UPDATE personalization_customer_profile p
        SET rfm_r = t.r, rfm_f = t.f, rfm_m = t.m, rfm_group = t.grp, updated_at = now()
       FROM target t
      WHERE p.id = t.id
     RETURNING p.id, t.old_r, t.old_f, t.old_m, t.old_group`,
    [now.toISOString(), table.map((x) => x.r), table.map((x) => x.f), table.map((x) => x.m), table.map((x) => x.group)]
  )
  // Profiles that no longer qualify (every order canceled, a merged or deleted profile) lose their scores.
  const cleared = await run<{ id: string; old_r: number | null; old_f: number | null; old_m: number | null; old_group: string | null }>(
    `UPDATE personalization_customer_profile p
        SET rfm_r = NULL, rfm_f = NULL, rfm_m = NULL, rfm_group = NULL, updated_at = now()
       FROM (SELECT id, rfm_r AS old_r, rfm_f AS old_f, rfm_m AS old_m, rfm_group AS old_group
               FROM personalization_customer_profile p
              WHERE p.deleted_at IS NULL
                AND (p.rfm_r IS NOT NULL OR p.rfm_f IS NOT NULL OR p.rfm_m IS NOT NULL OR p.rfm_group IS NOT NULL)
                AND NOT (${RFM_POPULATION})) t
      WHERE p.id = t.id
     RETURNING p.id, t.old_r, t.old_f, t.old_m, t.old_group`
  )
  const [{ scored }] = await run<{ scored: number }>(
    `SELECT count(*)::int AS scored FROM personalization_customer_profile p WHERE ${RFM_POPULATION}`
  )
  const previous = (rows: typeof changed): RfmPrevious[] =>
    rows.map((x) => ({ id: x.id, r: x.old_r, f: x.old_f, m: x.old_m, group: x.old_group }))
  return { scored, changed: previous(changed), cleared: previous(cleared) }
}

/** Puts previous values back (compensation), in one statement per 5000 rows. */
export async function restoreRfmScores(run: Run, previous: readonly RfmPrevious[]) {
  for (let i = 0; i < previous.length; i += 5000) {
    const batch = previous.slice(i, i + 5000)
    await run(
      `UPDATE personalization_customer_profile p
          SET rfm_r = t.r, rfm_f = t.f, rfm_m = t.m, rfm_group = t.grp, updated_at = now()
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[]) AS t(id, r, f, m, grp)
        WHERE p.id = t.id`,
      [batch.map((x) => x.id), batch.map((x) => x.r), batch.map((x) => x.f), batch.map((x) => x.m), batch.map((x) => x.group)]
    )
  }
}

export type RfmDistribution = {
  computed_at: string | null
  customers_with_orders: number
  scored: number
  groups: { id: string; label: string; count: number; share: number; r: [number, number]; fm: [number, number] }[]
  /** Profiles carrying a group id that is no longer configured (until the next run re-scores them). */
  unconfigured: { id: string; count: number }[]
  scores: { r: number[]; f: number[]; m: number[] }
  method: string
}

/** What the admin shows: customers per group (live from the profiles), the cut-offs in force, score histograms. */
export async function rfmDistribution(container: MedusaContainer): Promise<RfmDistribution> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const groups = rfmGroupsFromOptions(service.getOptions())
  const [byGroup, histograms, [population], [last]] = await Promise.all([
    sql<{ grp: string; n: number }>(
      container,
      `SELECT rfm_group AS grp, count(*)::int AS n FROM personalization_customer_profile p
        WHERE p.customer_id IS NOT NULL AND p.deleted_at IS NULL AND p.rfm_group IS NOT NULL GROUP BY rfm_group`
    ),
    sql<{ axis: string; score: number; n: number }>(
      container,
      `SELECT 'r' AS axis, rfm_r AS score, count(*)::int AS n FROM personalization_customer_profile p WHERE p.customer_id IS NOT NULL AND p.deleted_at IS NULL AND rfm_r IS NOT NULL GROUP BY rfm_r
       UNION ALL
       SELECT 'f', rfm_f, count(*)::int FROM personalization_customer_profile p WHERE p.customer_id IS NOT NULL AND p.deleted_at IS NULL AND rfm_f IS NOT NULL GROUP BY rfm_f
       UNION ALL
       SELECT 'm', rfm_m, count(*)::int FROM personalization_customer_profile p WHERE p.customer_id IS NOT NULL AND p.deleted_at IS NULL AND rfm_m IS NOT NULL GROUP BY rfm_m`
    ),
    sql<{ n: number }>(container, `SELECT count(*)::int AS n FROM personalization_customer_profile p WHERE ${RFM_POPULATION}`),
    service.listModelRuns({ kind: RFM_RUN_KIND }, { select: ["id", "trained_at"], order: { created_at: "DESC", id: "DESC" }, take: 1 }),
  ])
  const counts = new Map(byGroup.map((g) => [g.grp, g.n]))
  const scored = byGroup.reduce((s, g) => s + g.n, 0)
  const scores = { r: [0, 0, 0, 0, 0], f: [0, 0, 0, 0, 0], m: [0, 0, 0, 0, 0] }
  for (const h of histograms) if (h.score >= 1 && h.score <= 5) scores[h.axis as "r" | "f" | "m"][h.score - 1] = h.n
  const known = new Set(groups.map((g) => g.id))
  return {
    computed_at: last ? new Date(last.trained_at as unknown as string).toISOString() : null,
    customers_with_orders: population?.n ?? 0,
    scored,
    groups: groups.map((g) => ({
      id: g.id,
      label: g.label,
      count: counts.get(g.id) ?? 0,
      share: scored ? (counts.get(g.id) ?? 0) / scored : 0,
      r: [g.r[0], g.r[1]],
      fm: [g.fm[0], g.fm[1]],
    })),
    unconfigured: byGroup.filter((g) => !known.has(g.grp)).map((g) => ({ id: g.grp, count: g.n })),
    scores,
    method:
      "R, F and M are quintile scores 1–5 over the customers with orders (mid-rank, ties share a score; R from days since the " +
      "last order, F from orders, M from amount spent). FM = (F + M) / 2. The first group whose R and FM ranges both " +
      "contain the customer's wins.",
  }
}

/**
 * After traits that the real-time pipeline does not compute (RFM, churn risk) were rewritten in bulk: batch-
 * refresh every active segment whose rule reads one of them, referenced segments first (each refresh cascades
 * to segments that reference the refreshed one). One failing segment is logged; the others still run.
 */
export async function refreshSegmentsReading(
  container: MedusaContainer,
  traits: readonly string[],
  now: Date
): Promise<{ refreshed: string[]; failed: { segment_id: string; error: string }[] }> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const wanted = new Set(traits)
  const segments = (await loadActiveSegments(service)).filter((s) => dependencies(s.rule).traits.some((t) => wanted.has(t)))
  const refreshed: string[] = []
  const failed: { segment_id: string; error: string }[] = []
  for (const segment of orderByReferences(segments)) {
    try {
      await refreshSegment(container, segment.id, now)
      refreshed.push(segment.id)
    } catch (e) {
      const error = (e as Error)?.message ?? String(e)
      logger.error(`personalization: refreshing segment '${segment.handle}' after ${traits.join("/")} changed failed: ${error}`)
      failed.push({ segment_id: segment.id, error })
    }
  }
  return { refreshed, failed }
}
