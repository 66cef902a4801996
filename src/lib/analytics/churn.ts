// Churn risk in the shell: training examples from the store's own order history, scoring of today's profiles.
import type { MedusaContainer } from "@medusajs/framework/types"
import { churnFeatures, CHURN_FEATURES, predictProbability, type ChurnExample, type LogisticModel } from "../../core/ml"
import { computeCartTraits, computeOrderTraits } from "../../core/traits"
import { sql } from "../db/raw-sql"
import type { Run } from "../db/transaction"
import { loadCustomerFacts } from "../profile/load-facts"

export const CHURN_RUN_KIND = "churn"
export const CHURN_TRAITS = ["churn_risk"] as const
const DAY = 86_400_000
const FACTS_BATCH = 500

/**
 * One example per customer who had a (live) order by the cut-off (now − horizon): features from the same trait
 * code the pipeline uses, computed over what was known at the cut-off (orders and carts created by then; a cart
 * completed later counts as open then), and the label "churned" = no live order in (cut-off, now].
 */
export async function buildChurnExamples(
  container: MedusaContainer,
  opts: { now: Date; horizonDays: number; currency: string; abandonmentMinutes: number }
): Promise<{ cutoff: Date; examples: ChurnExample[] }> {
  const cutoff = new Date(opts.now.getTime() - opts.horizonDays * DAY)
  // Candidates from the profiles (first live order on or before the cut-off); facts confirm it below.
  const candidates = await sql<{ customer_id: string }>(
    container,
    `SELECT customer_id FROM personalization_customer_profile
      WHERE customer_id IS NOT NULL AND deleted_at IS NULL AND first_order_at <= $1::timestamptz
      ORDER BY customer_id`,
    [cutoff.toISOString()]
  )
  const examples: ChurnExample[] = []
  for (let i = 0; i < candidates.length; i += FACTS_BATCH) {
    const ids = candidates.slice(i, i + FACTS_BATCH).map((c) => c.customer_id)
    const facts = await loadCustomerFacts(container, ids)
    for (const id of ids) {
      const f = facts.get(id)
      if (!f) continue
      const before = f.orders.filter((o) => o.created_at <= cutoff)
      const orders = computeOrderTraits(before, { currency: opts.currency })
      const carts = computeCartTraits(
        f.carts
          .filter((c) => c.created_at <= cutoff)
          .map((c) => ({
            ...c,
            completed_at: c.completed_at && c.completed_at <= cutoff ? c.completed_at : null,
            updated_at: c.updated_at <= cutoff ? c.updated_at : cutoff,
          })),
        cutoff,
        opts.abandonmentMinutes
      )
      const features = churnFeatures({ ...orders, abandonment_rate: carts.abandonment_rate }, cutoff)
      if (!features) continue
      const churned = !f.orders.some((o) => !o.canceled && o.created_at > cutoff && o.created_at <= opts.now)
      examples.push({ id, features, churned })
    }
  }
  return { cutoff, examples }
}

export type ChurnPrevious = { id: string; risk: number | null }

/**
 * Writes churn_risk for every customer profile with orders (features as of `now`), in keyset-paged batches of
 * `batchSize` (one UPDATE … FROM unnest per batch), and sets it to null for every other profile — or for all
 * of them when `model` is null (no trustworthy model). Returns the previous values of rows it changed.
 */
export async function applyChurnScores(
  run: Run,
  model: LogisticModel | null,
  now: Date,
  batchSize = 2000
): Promise<{ scored: number; cleared: number; previous: ChurnPrevious[] }> {
  const previous: ChurnPrevious[] = []
  let scored = 0
  if (model) {
    let after = ""
    for (;;) {
      const rows = await run<{
        id: string
        orders_count: number
        total_spent: string
        last_order_at: Date | null
        first_order_at: Date | null
        abandonment_rate: number | null
        churn_risk: number | null
      }>(
        `SELECT id, orders_count, total_spent::text AS total_spent, last_order_at, first_order_at, abandonment_rate, churn_risk
           FROM personalization_customer_profile
          WHERE customer_id IS NOT NULL AND deleted_at IS NULL AND orders_count > 0 AND id > $1
          ORDER BY id LIMIT $2`,
        [after, batchSize]
      )
      if (!rows.length) break
      after = rows[rows.length - 1].id
      const ids: string[] = []
      const risks: number[] = []
      for (const r of rows) {
        const features = churnFeatures(
          {
            orders_count: r.orders_count,
            total_spent: r.total_spent,
            last_order_at: r.last_order_at ? new Date(r.last_order_at) : null,
            first_order_at: r.first_order_at ? new Date(r.first_order_at) : null,
            abandonment_rate: r.abandonment_rate,
          },
          now
        )
        if (!features) continue
        ids.push(r.id)
        risks.push(Math.round(predictProbability(model, features) * 1e6) / 1e6)
        previous.push({ id: r.id, risk: r.churn_risk })
      }
      if (ids.length) {
        await run(
          `UPDATE personalization_customer_profile p SET churn_risk = t.risk, updated_at = now()
             FROM unnest($1::text[], $2::real[]) AS t(id, risk) WHERE p.id = t.id`,
          [ids, risks]
        )
      }
      scored += ids.length
      if (rows.length < batchSize) break
    }
  }
  const cleared = await run<{ id: string; old: number | null }>(
    `UPDATE personalization_customer_profile p SET churn_risk = NULL, updated_at = now()
       FROM (SELECT id, churn_risk AS old FROM personalization_customer_profile
              WHERE churn_risk IS NOT NULL AND deleted_at IS NULL
                AND ($1::boolean OR customer_id IS NULL OR orders_count = 0 OR last_order_at IS NULL OR first_order_at IS NULL)) t
      WHERE p.id = t.id
     RETURNING p.id, t.old`,
    [!model]
  )
  previous.push(...cleared.map((c) => ({ id: c.id, risk: c.old })))
  return { scored, cleared: cleared.length, previous }
}

export async function restoreChurnScores(run: Run, previous: readonly ChurnPrevious[]) {
  for (let i = 0; i < previous.length; i += 5000) {
    const batch = previous.slice(i, i + 5000)
    await run(
      `UPDATE personalization_customer_profile p SET churn_risk = t.risk, updated_at = now()
         FROM unnest($1::text[], $2::real[]) AS t(id, risk) WHERE p.id = t.id`,
      [batch.map((x) => x.id), batch.map((x) => x.risk)]
    )
  }
}

/** The model as stored in model_run.params (enough to score again without retraining). */
export function modelParams(model: LogisticModel, extra: Record<string, unknown>) {
  return {
    features: [...CHURN_FEATURES],
    transform: "log1p(recency_days, frequency, monetary, tenure_days); abandonment_rate as is; then z-scores",
    means: model.means,
    sds: model.sds,
    intercept: model.intercept,
    coefficients: model.coefficients,
    l2: model.l2,
    iterations: model.iterations,
    converged: model.converged,
    ...extra,
  }
}

/** Rebuilds a stored model (model_run.params) for scoring; null when the row does not hold one. */
export function modelFromParams(params: Record<string, any> | null | undefined): LogisticModel | null {
  if (!params || !Array.isArray(params.coefficients) || !Array.isArray(params.means) || !Array.isArray(params.sds)) return null
  if (params.coefficients.length !== CHURN_FEATURES.length) return null
  return {
    features: [...CHURN_FEATURES],
    means: params.means,
    sds: params.sds,
    intercept: Number(params.intercept),
    coefficients: params.coefficients,
    l2: Number(params.l2 ?? 0),
    iterations: Number(params.iterations ?? 0),
    converged: !!params.converged,
  }
}
