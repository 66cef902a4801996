import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { applyChurnScoresStep, loadLatestChurnModelStep, trainChurnModelStep } from "./churn-steps"
import { createModelRunStep } from "./rfm-steps"

export type TrainChurnInput = {
  /** The clock (defaults to now): the cut-off is now − churn.horizonDays. */
  now?: Date | string
}

/**
 * Weekly churn model: build examples from the store's own history (features as of now − horizon, label = no order
 * since), fit the L2 logistic regression, measure AUC on a holdout, record the run (model_run kind "churn":
 * status, AUC, sizes, the model itself), then score churn_risk on every customer profile with orders. With too
 * little history the run says insufficient_data and churn_risk is null everywhere. One run at a time (lock).
 */
export const trainChurnWorkflow = createWorkflow("personalization-train-churn", (input: TrainChurnInput) => {
  const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
  acquireLockStep({ key: "personalization:churn", timeout: 60, ttl: 1800 })
  const outcome = trainChurnModelStep({ now })
  const scores = applyChurnScoresStep(transform({ outcome, now }, ({ outcome, now }) => ({ model: outcome.model, now })))
  const run = createModelRunStep(
    transform({ outcome, scores }, ({ outcome, scores }) => ({
      ...outcome.run,
      metrics: { ...(outcome.run.metrics ?? {}), scored_profiles: scores.scored, cleared_profiles: scores.cleared },
    }))
  )
  releaseLockStep({ key: "personalization:churn" })
  return new WorkflowResponse(transform({ run, scores }, ({ run, scores }) => ({ run, ...scores })))
})

/** Records a churn run that failed (the training workflow compensated its own writes), so the admin sees it. */
export const recordChurnFailureWorkflow = createWorkflow(
  "personalization-record-churn-failure",
  (input: { now: Date | string; error: string }) => {
    const run = createModelRunStep(
      transform({ input }, ({ input }) => ({
        kind: "churn",
        status: "failed" as const,
        trained_at: input.now,
        note: input.error.slice(0, 1000),
      }))
    )
    return new WorkflowResponse(run)
  }
)

/**
 * Daily re-scoring between weekly trainings: churn_risk from today's traits with the latest trained model (recency
 * and tenure move every day). No-op when the latest churn run has no model (insufficient data or failed: the trait
 * is already null) or there is no run yet.
 */
export const scoreChurnWorkflow = createWorkflow("personalization-score-churn", (input: { now?: Date | string }) => {
  const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
  acquireLockStep({ key: "personalization:churn", timeout: 60, ttl: 1800 })
  const latest = loadLatestChurnModelStep()
  const scores = when("churn-model-available", { latest }, ({ latest }) => !!latest.model).then(() =>
    applyChurnScoresStep(transform({ latest, now }, ({ latest, now }) => ({ model: latest.model, now })))
  )
  releaseLockStep({ key: "personalization:churn" })
  return new WorkflowResponse(
    transform({ latest, scores }, ({ latest, scores }) => ({ run_id: latest.run_id, scored: scores?.scored ?? 0, cleared: scores?.cleared ?? 0 }))
  )
})
