import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import type { ProfilePlan } from "./plan-profile-memberships"

type Undo = {
  profile_id: string
  created: string[]
  closed: string[]
  segment_ids: string[]
  next_change_at: Date | null
}

/**
 * Writes the plan: opens rows for entries, closes rows for exits, recounts members, stores the profile's
 * next_change_at. Compensation removes the opened rows, reopens the closed ones and restores next_change_at.
 */
export const applyMembershipPlanStep = createStep(
  "personalization-apply-membership-plan",
  async (input: { plan: ProfilePlan | null; now: Date }, { container }) => {
    const plan = input.plan
    if (!plan) return new StepResponse(undefined, null as Undo | null)
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const now = new Date(input.now)
    const [profile] = await service.listCustomerProfiles({ id: plan.profile_id }, { select: ["id", "next_change_at"], take: 1 })
    const created = plan.enter.length
      ? await service.createSegmentMemberships(
          plan.enter.map((e) => ({
            segment_id: e.segment_id,
            profile_id: plan.profile_id,
            customer_id: plan.customer_id,
            entered_at: now,
            reason: e.reason,
          }))
        )
      : []
    for (const e of plan.exit) {
      await service.updateSegmentMemberships({ id: e.membership_id, exited_at: now, exit_reason: e.reason })
    }
    const segmentIds = [...new Set([...plan.enter, ...plan.exit].map((c) => c.segment_id))]
    await service.recountMembers(segmentIds)
    await service.updateCustomerProfiles({ id: plan.profile_id, next_change_at: plan.next_change_at })
    return new StepResponse(undefined, {
      profile_id: plan.profile_id,
      created: created.map((m) => m.id),
      closed: plan.exit.map((e) => e.membership_id),
      segment_ids: segmentIds,
      next_change_at: (profile?.next_change_at as Date | null) ?? null,
    } as Undo | null)
  },
  async (undo, { container }) => {
    if (!undo) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    if (undo.created.length) await service.deleteSegmentMemberships(undo.created)
    if (undo.closed.length) {
      await service.updateSegmentMemberships({ selector: { id: undo.closed }, data: { exited_at: null, exit_reason: null } })
    }
    await service.recountMembers(undo.segment_ids)
    await service.updateCustomerProfiles({ id: undo.profile_id, next_change_at: undo.next_change_at })
  }
)
