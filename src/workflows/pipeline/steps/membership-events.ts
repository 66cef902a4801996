import { transform } from "@medusajs/framework/workflows-sdk"
import type { ProfilePlan } from "./plan-profile-memberships"

export const SEGMENT_ENTERED = "personalization.segment.entered"
export const SEGMENT_EXITED = "personalization.segment.exited"

export type SegmentEventData = {
  segment_id: string
  segment_handle: string
  customer_id: string | null
  profile_id: string
  reason: string
}

/** The entered or exited event payloads of one plan. */
export function planEventData(p: ProfilePlan, kind: "enter" | "exit"): SegmentEventData[] {
  return p[kind].map((c) => ({
    segment_id: c.segment_id,
    segment_handle: c.handle,
    customer_id: p.customer_id,
    profile_id: p.profile_id,
    reason: c.reason,
  }))
}

/** Event payloads for a plan, for emitEventStep (emitted when the workflow succeeds). */
export function membershipEventData(plan: ProfilePlan | null | { __type?: unknown }, kind: "enter" | "exit") {
  return transform({ plan }, ({ plan }) => (plan ? planEventData(plan as ProfilePlan, kind) : []))
}
