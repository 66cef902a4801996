import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { trainChurnModel, type LogisticModel } from "../../core/ml"
import { inTransaction } from "../../lib/db/transaction"
import { loadDefaultCurrency } from "../../lib/profile/load-facts"
import { applyChurnScores, buildChurnExamples, CHURN_RUN_KIND, modelFromParams, modelParams, restoreChurnScores } from "../../lib/analytics/churn"
import type { ModelRunInput } from "./rfm-steps"

export type ChurnTrainingOutcome = {
  /** The model_run row to record. */
  run: ModelRunInput
  /** The fitted model, null when there is none to trust. */
  model: LogisticModel | null
}

/** Builds the examples from the store's history and fits the model. Reads only: nothing to compensate. */
export const trainChurnModelStep = createStep(
  "personalization-train-churn-model",
  async (input: { now: Date | string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const options = service.getOptions()
    const now = new Date(input.now)
    const { horizonDays, minCustomers, minPerClass, l2 } = options.churn
    const currency = await loadDefaultCurrency(container)
    const { cutoff, examples } = await buildChurnExamples(container, {
      now,
      horizonDays,
      currency,
      abandonmentMinutes: options.abandonmentMinutes,
    })
    const t = trainChurnModel(examples, { l2, minCustomers, minPerClass })
    const common = { horizon_days: horizonDays, cutoff: cutoff.toISOString(), currency }
    const outcome: ChurnTrainingOutcome =
      t.status === "trained"
        ? {
            model: t.model,
            run: {
              kind: CHURN_RUN_KIND,
              status: "trained",
              trained_at: now,
              train_size: t.train_size,
              holdout_size: t.holdout_size,
              auc: t.auc,
              params: modelParams(t.model, common),
              metrics: {
                customers: t.customers,
                churned: t.churned,
                retained: t.retained,
                churn_rate: t.churned / t.customers,
                holdout_mean_risk: t.holdout_mean_risk,
                holdout_churn_rate: t.holdout_churn_rate,
              },
              note: null,
            },
          }
        : {
            model: null,
            run: {
              kind: CHURN_RUN_KIND,
              status: "insufficient_data",
              trained_at: now,
              params: { ...common, min_customers: minCustomers, min_per_class: minPerClass },
              metrics: { customers: t.customers, churned: t.churned, retained: t.retained },
              note: t.reason,
            },
          }
    return new StepResponse(outcome)
  }
)

/**
 * Writes churn_risk with the new model (or null everywhere when there is none — no invented numbers) in one
 * transaction; compensation restores the previous values.
 */
export const applyChurnScoresStep = createStep(
  "personalization-apply-churn-scores",
  async (input: { model: LogisticModel | null; now: Date | string }, { container }) => {
    const result = await inTransaction(container, (run) => applyChurnScores(run, input.model, new Date(input.now)))
    return new StepResponse({ scored: result.scored, cleared: result.cleared }, result.previous)
  },
  async (previous, { container }) => {
    if (!previous?.length) return
    await inTransaction(container, (run) => restoreChurnScores(run, previous))
  }
)

/** The model of the most recent churn run, when that run trained one (else null: nothing to score with). */
export const loadLatestChurnModelStep = createStep("personalization-load-latest-churn-model", async (_: {}, { container }) => {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const [latest] = await service.listModelRuns(
    { kind: CHURN_RUN_KIND },
    { select: ["id", "status", "params"], order: { created_at: "DESC", id: "DESC" }, take: 1 }
  )
  const model = latest?.status === "trained" ? modelFromParams(latest.params as Record<string, unknown>) : null
  return new StepResponse({ run_id: latest?.id ?? null, model })
})
