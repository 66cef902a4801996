import { createStep, createWorkflow, StepResponse, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { purgeExpired } from "../../lib/privacy/retention"

/** Deleting expired data cannot be undone and needs no undo: it is idempotent, a rerun finishes the job. */
const purgeExpiredStep = createStep(
  "personalization-purge-expired",
  async (input: { now: Date | string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    return new StepResponse(await purgeExpired(container, new Date(input.now), service.getOptions().retentionDays))
  }
)

/** Retention: behaviour events and inactive visitor profiles older than `retentionDays` (default 180). */
export const retentionPurgeWorkflow = createWorkflow("personalization-retention-purge", (input: { now?: Date | string }) => {
  const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
  return new WorkflowResponse(purgeExpiredStep({ now }))
})
