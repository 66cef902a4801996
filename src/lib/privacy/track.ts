// Behaviour tracking shared by the store route and the server-to-server admin route.
import type { IEventBusModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { ingestEventsWorkflow } from "../../workflows/privacy/ingest-events"
import type { EventContext, IncomingEvent } from "../../workflows/privacy/steps/insert-events"
import { evaluateTrackedSafely } from "../pipeline/evaluate-tracked"
import { consentGranted, findProfile, retiredVisitorError, type SubjectRef } from "./profiles"

export const MAX_EVENT_AGE_MS = 7 * 86_400_000

/**
 * Emitted after a consented batch is stored; src/subscribers/events-tracked.ts re-evaluates the subject.
 * `at` is the database time the batch was stamped with (see insertEventsStep) — an evaluation that started
 * at or after it saw the batch, so the message can be skipped.
 */
export const EVENTS_TRACKED = "personalization.events.tracked"
export type EventsTrackedData = { profile_id: string; customer_id: string | null; at: string | null }

export type TrackBody = {
  events: { id: string; type: string; occurred_at?: string; properties?: Record<string, unknown> }[]
  context?: EventContext
}

export type TrackResult = { accepted: number; duplicates: number; dropped_no_consent: number; dropped_stale: number }

/**
 * occurred_at: missing → now; slightly in the future (within the validator's skew) → clamped to now;
 * older than 7 days → dropped and counted (clamping it would fake recent behaviour). Without consent (when
 * required) the whole batch is dropped and nothing — not even a profile — is stored.
 */
export async function trackEvents(
  container: MedusaContainer,
  ref: SubjectRef,
  body: TrackBody,
  now: Date = new Date()
): Promise<TrackResult> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const required = service.getOptions().consent.required
  const total = body.events.length
  const profile = await findProfile(container, ref)
  if (profile?.merged_into_id) throw retiredVisitorError()
  if (required && !consentGranted(profile, "personalization")) {
    return { accepted: 0, duplicates: 0, dropped_no_consent: total, dropped_stale: 0 }
  }

  const oldest = now.getTime() - MAX_EVENT_AGE_MS
  const events: IncomingEvent[] = []
  let stale = 0
  for (const e of body.events) {
    const at = e.occurred_at ? Math.min(new Date(e.occurred_at).getTime(), now.getTime()) : now.getTime()
    if (at < oldest) {
      stale++
      continue
    }
    events.push({ client_id: e.id, type: e.type, occurred_at: new Date(at).toISOString(), properties: e.properties ?? {} })
  }
  if (!events.length) return { accepted: 0, duplicates: 0, dropped_no_consent: 0, dropped_stale: stale }

  const { result } = await ingestEventsWorkflow(container).run({
    input: { subject: ref, profile_id: profile?.id ?? null, events, context: body.context, require_consent: required, now },
  })
  // Consent withdrawn between the check above and the insert: the insert saw it and kept nothing.
  if (!result.consented) return { accepted: 0, duplicates: 0, dropped_no_consent: total, dropped_stale: 0 }

  // Membership re-evaluation happens after the response, in a subscriber (the worker, with a Redis bus).
  // Also for an all-duplicate batch: a client retrying after a lost response still gets its evaluation
  // (coalesced away when one already ran after the first delivery was stored).
  await requestEvaluation(container, { profile_id: result.profile_id, customer_id: result.customer_id, at: result.at })
  return {
    accepted: result.inserted.length,
    duplicates: events.length - result.inserted.length,
    dropped_no_consent: 0,
    dropped_stale: stale,
  }
}

/**
 * Emits EVENTS_TRACKED. If the event bus refuses it (e.g. Redis unreachable), the subject is evaluated here
 * instead, so stored behaviour is never left unevaluated by a bus failure; that path never throws either.
 */
async function requestEvaluation(container: MedusaContainer, data: EventsTrackedData): Promise<void> {
  try {
    const bus: IEventBusModuleService = container.resolve(Modules.EVENT_BUS)
    await bus.emit({ name: EVENTS_TRACKED, data })
  } catch (e) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .warn(`personalization: could not emit ${EVENTS_TRACKED} (${(e as Error).message}); evaluating in the request`)
    await evaluateTrackedSafely(container, data)
  }
}
