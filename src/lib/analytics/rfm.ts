// RFM in the shell: the set-based SQL that scores every customer with orders, the distribution the admin reads,
// and the segment refresh after traits computed outside the real-time pipeline change.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { dependencies } from "../../core/rules"
import { orderByReferences } from "../../core/segments"
import { DEFAULT_RFM_GROUPS, type RfmGroupDef } from "../../core/traits/rfm"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import type { PluginOptions } from "../../modules/personalization/options"
import { sql } from "../db/raw-sql"
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

export { RFM_POPULATION, applyRfmScores, restoreRfmScores, type RfmPrevious } from "./rfm-sql"
import { RFM_POPULATION } from "./rfm-sql"

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
