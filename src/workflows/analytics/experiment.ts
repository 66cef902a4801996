import { createStep, createWorkflow, StepResponse, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { assertExperimentTarget } from "../../lib/experiments/targets"
import { saltForNewExperiment } from "../../lib/experiments/salt"
import { experimentsChanged, type ExperimentTargetType } from "../../lib/experiments/expose"
import { notFound } from "../../lib/errors"
import { inTransaction } from "../../lib/db/transaction"
import { addPromotionHoldoutRuleStep } from "./steps/add-promotion-holdout-rule"
import { removePromotionHoldoutRuleStep } from "./steps/remove-promotion-holdout-rule"
import { repriceHoldoutCartsStep } from "./steps/reprice-holdout-carts"

export type CreateExperimentInput = {
  name: string
  target_type: ExperimentTargetType
  target_id: string
  holdout_percent: number
  conversion_window_days: number
  min_sample: number
  /** Admin/test only: fixes the assignment hash's salt (see lib/experiments/salt.ts); random when omitted. */
  salt?: string
  now?: Date | string
}

const service = (container: { resolve<T>(k: string): T }) => container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)

export const assertExperimentTargetStep = createStep(
  "personalization-assert-experiment-target",
  async (input: { target_type: ExperimentTargetType; target_id: string }, { container }) => {
    await assertExperimentTarget(container, input.target_type, input.target_id)
    return new StepResponse(true)
  }
)

export const createExperimentStep = createStep(
  "personalization-create-experiment",
  async (input: Omit<CreateExperimentInput, "now"> & { now: Date }, { container }) => {
    const { now, salt, ...data } = input
    const created = await service(container).createExperiments({
      ...data,
      salt: await saltForNewExperiment(container, salt),
      status: "running",
      started_at: now,
      ended_at: null,
    })
    experimentsChanged()
    return new StepResponse(created, created.id)
  },
  async (id, { container }) => {
    if (id) await service(container).deleteExperiments(id)
    experimentsChanged()
  }
)

/** A holdout experiment on a placement variant or a segment-gated promotion; starts running at once. */
export const createExperimentWorkflow = createWorkflow("personalization-create-experiment", (input: CreateExperimentInput) => {
  const args = transform({ input }, ({ input }) => ({
    now: input.now ? new Date(input.now) : new Date(),
    lockKey: `personalization:experiment-target:${input.target_type}:${input.target_id}`,
  }))
  acquireLockStep({ key: args.lockKey, timeout: 10, ttl: 60 })
  assertExperimentTargetStep({ target_type: input.target_type, target_id: input.target_id })
  const created = createExperimentStep(
    transform({ input, args }, ({ input, args }) => ({
      name: input.name,
      target_type: input.target_type,
      target_id: input.target_id,
      holdout_percent: input.holdout_percent,
      conversion_window_days: input.conversion_window_days,
      min_sample: input.min_sample,
      salt: input.salt,
      now: args.now,
    }))
  )
  // a promotion holdout: the promotion's holdout rule, then members' open carts re-priced (control loses it now)
  const holdout = addPromotionHoldoutRuleStep(transform({ created }, ({ created }) => ({ experiment_id: created.id })))
  releaseLockStep({ key: args.lockKey })
  repriceHoldoutCartsStep(holdout)
  return new WorkflowResponse(created)
})

const UPDATABLE = ["name", "conversion_window_days", "min_sample", "status", "ended_at"] as const

/** Updates an experiment; compensation writes back the fields it changed. 404 for an unknown id. */
export const updateExperimentStep = createStep(
  "personalization-update-experiment",
  async (data: { id: string } & Record<string, unknown>, { container }) => {
    const [before] = await service(container).listExperiments({ id: data.id }, { take: 1 })
    if (!before) throw notFound("Experiment", data.id)
    const previous: Record<string, unknown> = { id: before.id }
    for (const k of UPDATABLE) if (k in data) previous[k] = (before as Record<string, unknown>)[k]
    const updated = await service(container).updateExperiments(data)
    experimentsChanged()
    return new StepResponse(updated, previous)
  },
  async (previous, { container }) => {
    if (previous) await service(container).updateExperiments(previous as { id: string })
    experimentsChanged()
  }
)

export const updateExperimentWorkflow = createWorkflow(
  "personalization-update-experiment",
  (input: { id: string; name?: string; conversion_window_days?: number; min_sample?: number }) => {
    return new WorkflowResponse(updateExperimentStep(input))
  }
)

/** Stops an experiment: everyone sees the treatment from now on; results keep the exposures logged so far. */
export const stopExperimentWorkflow = createWorkflow("personalization-stop-experiment", (input: { id: string; now?: Date | string }) => {
  const data = transform({ input }, ({ input }) => ({
    id: input.id,
    status: "stopped",
    ended_at: input.now ? new Date(input.now) : new Date(),
  }))
  const stopped = updateExperimentStep(data)
  // a promotion holdout: the rule goes and members' open carts are re-priced (the control arm gets it back now)
  repriceHoldoutCartsStep(removePromotionHoldoutRuleStep({ experiment_id: input.id }))
  return new WorkflowResponse(stopped)
})

/** Soft-deletes an experiment and its exposures (one statement each); compensation restores both. 404 for an unknown id. */
export const deleteExperimentStep = createStep(
  "personalization-delete-experiment",
  async (input: { id: string }, { container }) => {
    const at = new Date().toISOString()
    const result = await inTransaction(container, async (run) => {
      const [found] = await run<{ id: string }>(
        `UPDATE personalization_experiment SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id`,
        [input.id, at]
      )
      if (!found) throw notFound("Experiment", input.id)
      const exposures = await run<{ n: number }>(
        `WITH d AS (UPDATE personalization_exposure SET deleted_at = $2 WHERE experiment_id = $1 AND deleted_at IS NULL RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [input.id, at]
      )
      return { id: input.id, exposures: exposures[0]?.n ?? 0 }
    })
    experimentsChanged()
    return new StepResponse(result, { id: input.id, at })
  },
  async (undo, { container }) => {
    if (!undo) return
    await inTransaction(container, async (run) => {
      await run(`UPDATE personalization_experiment SET deleted_at = NULL WHERE id = $1 AND deleted_at = $2`, [undo.id, undo.at])
      await run(`UPDATE personalization_exposure SET deleted_at = NULL WHERE experiment_id = $1 AND deleted_at = $2`, [undo.id, undo.at])
    })
    experimentsChanged()
  }
)

export const deleteExperimentWorkflow = createWorkflow("personalization-delete-experiment", (input: { id: string }) => {
  const deleted = deleteExperimentStep(input)
  repriceHoldoutCartsStep(removePromotionHoldoutRuleStep({ experiment_id: input.id }))
  return new WorkflowResponse(deleted)
})
