import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { insertEventsStep, type EventContext, type IncomingEvent } from "./steps/insert-events"
import type { SubjectRef } from "../../lib/privacy/profiles"

export type IngestEventsInput = {
  subject: SubjectRef
  /** The subject's live profile if the caller already read it (saves a lookup); found or created otherwise. */
  profile_id?: string | null
  events: IncomingEvent[]
  context?: EventContext
  require_consent: boolean
  now?: Date | string
}

/**
 * Stores a validated batch of behaviour events for one subject (idempotent by client id) and records the
 * activity — ONE step (one INSERT … ON CONFLICT; compensation deletes exactly the inserted rows), because
 * this runs once per storefront request. Callers check consent first so an unconsented subject gets no
 * profile at all; the insert re-checks it atomically. Membership re-evaluation is NOT part of it: the
 * caller emits `personalization.events.tracked` and a subscriber evaluates (src/subscribers/events-tracked.ts).
 */
export const ingestEventsWorkflow = createWorkflow("personalization-ingest-events", (input: IngestEventsInput) => {
  const result = insertEventsStep(
    transform({ input }, ({ input }) => ({
      profile_id: input.profile_id ?? null,
      subject: input.subject,
      events: input.events,
      context: input.context,
      require_consent: input.require_consent,
      now: input.now ? new Date(input.now) : new Date(),
    }))
  )
  return new WorkflowResponse(result)
})
