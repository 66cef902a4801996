import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { recordChurnFailureWorkflow, scoreChurnWorkflow, trainChurnWorkflow } from "../../workflows/analytics/churn"
import { sql } from "../db/raw-sql"
import { CHURN_RUN_KIND, CHURN_TRAITS } from "./churn"
import { refreshSegmentsReading } from "./rfm"

type ModelRunRow = Record<string, any>

export type ChurnRunResult = {
  run: ModelRunRow
  scored: number
  cleared: number
  segments_refreshed: string[]
  segments_failed: { segment_id: string; error: string }[]
}

/**
 * Trains and scores (workflow), then batch-refreshes the active segments whose rules read churn_risk. A failed
 * training is recorded as a `failed` run and rethrown.
 */
export async function runChurnTraining(container: MedusaContainer, opts: { now?: Date } = {}): Promise<ChurnRunResult> {
  const now = opts.now ?? new Date()
  let result
  try {
    ;({ result } = await trainChurnWorkflow(container).run({ input: { now } }))
  } catch (e) {
    const error = (e as Error)?.message ?? String(e)
    await recordChurnFailureWorkflow(container)
      .run({ input: { now, error } })
      .catch(() => undefined)
    throw e
  }
  const { refreshed, failed } =
    result.scored + result.cleared > 0 ? await refreshSegmentsReading(container, CHURN_TRAITS, now) : { refreshed: [], failed: [] }
  return { run: result.run, scored: result.scored, cleared: result.cleared, segments_refreshed: refreshed, segments_failed: failed }
}

/** Re-scores churn_risk with the latest trained model (daily), then refreshes the segments reading it. */
export async function rescoreChurn(container: MedusaContainer, opts: { now?: Date } = {}) {
  const now = opts.now ?? new Date()
  const { result } = await scoreChurnWorkflow(container).run({ input: { now } })
  const { refreshed, failed } = result.scored + result.cleared > 0 ? await refreshSegmentsReading(container, CHURN_TRAITS, now) : { refreshed: [], failed: [] }
  return { ...result, segments_refreshed: refreshed, segments_failed: failed }
}

const RUN_FIELDS = ["id", "kind", "status", "trained_at", "train_size", "holdout_size", "auc", "params", "metrics", "note"] as const

export function presentRun(run: ModelRunRow | undefined | null) {
  if (!run) return null
  const params = (run.params ?? {}) as Record<string, unknown>
  return {
    id: run.id,
    status: run.status,
    trained_at: new Date(run.trained_at).toISOString(),
    train_size: run.train_size,
    holdout_size: run.holdout_size,
    auc: run.auc,
    note: run.note ?? null,
    horizon_days: params.horizon_days ?? null,
    cutoff: params.cutoff ?? null,
    metrics: run.metrics ?? {},
    model:
      run.status === "trained"
        ? {
            features: params.features,
            transform: params.transform,
            intercept: params.intercept,
            coefficients: params.coefficients,
            l2: params.l2,
            converged: params.converged,
          }
        : null,
  }
}

/**
 * What the admin shows: the latest run (any status; the most recently recorded, whatever clock it ran with), the
 * latest trained one, and how many profiles carry a risk.
 */
export async function churnStatus(container: MedusaContainer) {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const [latest] = await service.listModelRuns({ kind: CHURN_RUN_KIND }, { select: [...RUN_FIELDS], order: { created_at: "DESC", id: "DESC" }, take: 1 })
  const [trained] = await service.listModelRuns(
    { kind: CHURN_RUN_KIND, status: "trained" },
    { select: [...RUN_FIELDS], order: { created_at: "DESC", id: "DESC" }, take: 1 }
  )
  const [{ scored }] = await sql<{ scored: number }>(
    container,
    `SELECT count(*)::int AS scored FROM personalization_customer_profile WHERE churn_risk IS NOT NULL AND deleted_at IS NULL`
  )
  const options = service.getOptions().churn
  return {
    latest: presentRun(latest),
    latest_trained: presentRun(trained),
    scored_profiles: scored,
    settings: { horizon_days: options.horizonDays, min_customers: options.minCustomers, min_per_class: options.minPerClass, l2: options.l2 },
  }
}
