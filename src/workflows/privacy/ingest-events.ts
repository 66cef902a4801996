import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { ensureProfileStep } from "./steps/ensure-profile"
import { insertEventsStep, type EventContext, type IncomingEvent } from "./steps/insert-events"
import type { SubjectRef } from "../../lib/privacy/profiles"

export type IngestEventsInput = {
  subject: SubjectRef
  events: IncomingEvent[]
  context?: EventContext
  require_consent: boolean
  now?: Date | string
}

/**
 * Stores a validated batch of behaviour events for one subject (idempotent by client id) and records the
 * activity. Callers check consent first so an unconsented subject gets no profile at all; the insert
 * re-checks it atomically. Membership re-evaluation follows in the caller (ingest stays cheap to retry).
 */
export const ingestEventsWorkflow = createWorkflow("personalization-ingest-events", (input: IngestEventsInput) => {
  const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
  const profile = ensureProfileStep(transform({ input }, ({ input }) => ({ ref: input.subject })))
  const result = insertEventsStep(
    transform({ input, profile, now }, ({ input, profile, now }) => ({
      profile_id: profile.profile_id,
      events: input.events,
      context: input.context,
      require_consent: input.require_consent,
      now,
    }))
  )
  return new WorkflowResponse(
    transform({ profile, result }, ({ profile, result }) => ({ ...profile, ...result }))
  )
})
