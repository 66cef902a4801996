import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { evaluateTrackedBatched } from "../lib/pipeline/evaluate-tracked"
import { EVENTS_TRACKED, type EventsTrackedData } from "../lib/privacy/track"

/**
 * A stored batch of storefront/server events: re-evaluate that subject's memberships, after the tracking
 * route has answered (in the worker, with a Redis event bus). The subject is queued for the next micro-batch
 * (lib/pipeline/evaluate-tracked.ts: up to 50 subjects per evaluate-profiles-batch run); this resolves when its
 * batch ended. Bursts coalesce in the queue and through `evaluated_at`. Never throws.
 */
export default async function eventsTracked({ event, container }: SubscriberArgs<EventsTrackedData>) {
  if (!event.data?.profile_id) return
  await evaluateTrackedBatched(container, event.data)
}

export const config: SubscriberConfig = {
  event: EVENTS_TRACKED,
  context: { subscriberId: "personalization-events-tracked" },
}
