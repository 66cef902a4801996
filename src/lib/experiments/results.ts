// Experiment results: per arm subjects, conversions (subjects with an order within the conversion window after
// their first exposure) and revenue per subject, then the stats core (z-test, Welch, SRM, verdict).
import { sql } from "../db/raw-sql"
import { COUNTED_ORDER_SQL, normalizeDecimal, ORDER_TOTAL_SQL } from "../analytics/snapshots"
import { analyzeExperiment, type ArmData, type Arm } from "../../core/stats"

type Resolver = { resolve<T = unknown>(key: string): T }

export type ExperimentRow = {
  id: string
  holdout_percent: number
  conversion_window_days: number
  min_sample: number
}

export type ArmResult = {
  arm: Arm
  subjects: number
  conversions: number
  orders: number
  conversion_rate: number | null
  revenue: string
  revenue_per_subject: string | null
}

/**
 * Subjects are the exposure rows. A visitor's exposure converts through the customer it was later merged into
 * (identity stitching); when that customer also has an exposure of its own in the experiment, the pair counts
 * once, as the customer. Orders count when placed (not canceled, not a draft) in [first exposure, first exposure
 * + window); revenue sums those in the store currency, exactly (numeric), and its variance is computed in numeric too.
 */
export async function experimentResults(container: Resolver, experiment: ExperimentRow, currency: string) {
  const rows = await sql<Record<string, unknown>>(
    container,
    `WITH exposed AS (
       SELECT e.id, e.arm, e.exposed_at, e.subject_key, COALESCE(e.customer_id, p.customer_id, pv.customer_id, m.customer_id) AS customer_id
         FROM personalization_exposure e
         -- the visitor's profile: by id when logged with one, else by the visitor id in the key
         LEFT JOIN personalization_customer_profile p ON p.id = e.profile_id
         LEFT JOIN personalization_customer_profile pv
           ON e.profile_id IS NULL AND e.subject_key LIKE 'visitor:%' AND pv.deleted_at IS NULL
          AND pv.visitor_id = substr(e.subject_key, 9)
         LEFT JOIN personalization_customer_profile m ON m.id = COALESCE(p.merged_into_id, pv.merged_into_id)
        WHERE e.experiment_id = $1 AND e.deleted_at IS NULL
     ),
     subjects AS (
       SELECT x.* FROM exposed x
        WHERE NOT (x.subject_key LIKE 'visitor:%' AND x.customer_id IS NOT NULL
                   AND EXISTS (SELECT 1 FROM exposed c WHERE c.subject_key = 'customer:' || x.customer_id))
     ),
     per_subject AS (
       SELECT sub.id, sub.arm, count(o.id)::int AS orders, COALESCE(sum(o.total) FILTER (WHERE o.in_currency), 0) AS revenue
         FROM subjects sub
         LEFT JOIN LATERAL (
           SELECT o.id, lower(o.currency_code) = $3 AS in_currency, ${ORDER_TOTAL_SQL} AS total
             FROM "order" o
             LEFT JOIN LATERAL (SELECT totals FROM order_summary s0 WHERE s0.order_id = o.id AND s0.deleted_at IS NULL
                                 ORDER BY s0.version DESC LIMIT 1) s ON true
            WHERE sub.customer_id IS NOT NULL AND o.customer_id = sub.customer_id
              AND o.created_at >= sub.exposed_at AND o.created_at < sub.exposed_at + make_interval(days => $2::int)
              AND ${COUNTED_ORDER_SQL}
         ) o ON true
        GROUP BY sub.id, sub.arm
     )
     SELECT arm, count(*)::int AS subjects, count(*) FILTER (WHERE orders > 0)::int AS conversions,
            COALESCE(sum(orders), 0)::int AS orders, COALESCE(sum(revenue), 0)::text AS revenue,
            round(avg(revenue), 6)::text AS revenue_mean, COALESCE(var_samp(revenue), 0)::text AS revenue_variance
       FROM per_subject GROUP BY arm`,
    [experiment.id, experiment.conversion_window_days, currency.toLowerCase()]
  )
  const byArm = new Map(rows.map((r) => [String(r.arm), r]))
  const arm = (name: Arm): { result: ArmResult; data: ArmData } => {
    const r = byArm.get(name)
    const subjects = r ? Number(r.subjects) : 0
    const conversions = r ? Number(r.conversions) : 0
    return {
      result: {
        arm: name,
        subjects,
        conversions,
        orders: r ? Number(r.orders) : 0,
        conversion_rate: subjects ? conversions / subjects : null,
        revenue: r ? normalizeDecimal(String(r.revenue)) : "0",
        revenue_per_subject: r ? normalizeDecimal(String(r.revenue_mean)) : null,
      },
      data: {
        subjects,
        conversions,
        revenue: { n: subjects, mean: r ? Number(r.revenue_mean) : 0, variance: r ? Number(r.revenue_variance) : 0 },
      },
    }
  }
  const control = arm("control")
  const treatment = arm("treatment")
  const analysis = analyzeExperiment({
    control: control.data,
    treatment: treatment.data,
    holdoutPercent: experiment.holdout_percent,
    minSample: experiment.min_sample,
  })
  return {
    currency_code: currency,
    arms: { control: control.result, treatment: treatment.result },
    conversion: analysis.conversion,
    revenue_per_subject: analysis.revenue_per_subject,
    srm: analysis.srm,
    verdict: analysis.verdict,
  }
}
