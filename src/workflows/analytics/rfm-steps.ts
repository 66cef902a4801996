import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { inTransaction } from "../../lib/db/transaction"
import { applyRfmScores, restoreRfmScores, rfmGroupsFromOptions, type RfmPrevious } from "../../lib/analytics/rfm"

export type AppliedRfm = {
  scored: number
  changed: number
  cleared: number
  /** Customer profile ids whose scores or group changed (for logs and tests; capped). */
  changed_ids: string[]
  groups: { id: string; label: string; r: readonly [number, number]; fm: readonly [number, number] }[]
}

/** Scores every customer with orders in one transaction; compensation puts the previous scores back. */
export const applyRfmScoresStep = createStep(
  "personalization-apply-rfm-scores",
  async (input: { now: Date | string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const groups = rfmGroupsFromOptions(service.getOptions())
    const result = await inTransaction(container, (run) => applyRfmScores(run, new Date(input.now), groups))
    const previous: RfmPrevious[] = [...result.changed, ...result.cleared]
    const applied: AppliedRfm = {
      scored: result.scored,
      changed: result.changed.length,
      cleared: result.cleared.length,
      changed_ids: previous.slice(0, 1000).map((p) => p.id),
      groups: groups.map((g) => ({ id: g.id, label: g.label, r: g.r, fm: g.fm })),
    }
    return new StepResponse(applied, previous)
  },
  async (previous, { container }) => {
    if (!previous?.length) return
    await inTransaction(container, (run) => restoreRfmScores(run, previous))
  }
)

export type ModelRunInput = {
  kind: string
  status: "trained" | "insufficient_data" | "failed"
  trained_at: Date | string
  train_size?: number
  holdout_size?: number
  auc?: number | null
  params?: Record<string, unknown>
  metrics?: Record<string, unknown>
  note?: string | null
}

/** One personalization_model_run row (RFM and churn runs); compensation deletes it. */
export const createModelRunStep = createStep(
  "personalization-create-model-run",
  async (input: ModelRunInput, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [run] = await service.createModelRuns([
      {
        kind: input.kind,
        status: input.status,
        trained_at: new Date(input.trained_at),
        train_size: input.train_size ?? 0,
        holdout_size: input.holdout_size ?? 0,
        auc: input.auc ?? null,
        params: input.params ?? {},
        metrics: input.metrics ?? {},
        note: input.note ?? null,
      },
    ])
    return new StepResponse(run, run.id)
  },
  async (id, { container }) => {
    if (!id) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.deleteModelRuns(id)
  }
)
