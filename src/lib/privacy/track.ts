// Behaviour tracking shared by the store route and the server-to-server admin route.
import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { ingestEventsWorkflow } from "../../workflows/privacy/ingest-events"
import type { EventContext, IncomingEvent } from "../../workflows/privacy/steps/insert-events"
import { evaluateProfileSafely, refreshCustomerSafely } from "../pipeline/run-refresh"
import { consentGranted, findProfile, retiredVisitorError, type SubjectRef } from "./profiles"

export const MAX_EVENT_AGE_MS = 7 * 86_400_000

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
    input: { subject: ref, events, context: body.context, require_consent: required, now },
  })
  // Consent withdrawn between the check above and the insert: the insert saw it and kept nothing.
  if (!result.consented) return { accepted: 0, duplicates: 0, dropped_no_consent: total, dropped_stale: 0 }

  if (result.inserted.length) {
    // As the pipeline does: customers under the per-customer lock (traits recomputed), visitors per profile.
    if (result.customer_id) await refreshCustomerSafely(container, result.customer_id, "tracked events", now)
    else await evaluateProfileSafely(container, result.profile_id, "tracked events", now)
  }
  return {
    accepted: result.inserted.length,
    duplicates: events.length - result.inserted.length,
    dropped_no_consent: 0,
    dropped_stale: stale,
  }
}
