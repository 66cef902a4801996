import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { RFM_RUN_KIND } from "../../lib/analytics/rfm"
import { applyRfmScoresStep, createModelRunStep } from "./rfm-steps"

export type ComputeRfmInput = {
  /** The clock (defaults to now): recency is measured in whole days before it. */
  now?: Date | string
}

/**
 * Daily RFM: scores R, F, M (1–5, quintiles over the store's customers with orders) and names the group of every
 * customer profile in one set-based transaction (rfm_r, rfm_f, rfm_m, rfm_group), clears the scores of profiles
 * without orders, and records the run (model_run kind "rfm": counts per group, the cut-offs used). One run at a
 * time (lock). Re-evaluating the segments that read these traits is the caller's next step
 * (lib/analytics/rfm-run.ts), outside this workflow, so a slow segment refresh never holds the scores back.
 */
export const computeRfmWorkflow = createWorkflow("personalization-compute-rfm", (input: ComputeRfmInput) => {
  const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
  acquireLockStep({ key: "personalization:rfm", timeout: 60, ttl: 900 })
  const applied = applyRfmScoresStep({ now })
  const run = createModelRunStep(
    transform({ applied, now }, ({ applied, now }) => ({
      kind: RFM_RUN_KIND,
      status: applied.scored ? ("trained" as const) : ("insufficient_data" as const),
      trained_at: now,
      train_size: applied.scored,
      params: { groups: applied.groups },
      metrics: { scored: applied.scored, changed: applied.changed, cleared: applied.cleared },
      note: applied.scored ? null : "no customer has an order yet",
    }))
  )
  releaseLockStep({ key: "personalization:rfm" })
  const result = transform({ applied, run }, ({ applied, run }) => ({ run_id: run.id, ...applied }))
  return new WorkflowResponse(result)
})
