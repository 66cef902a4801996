import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import type { ProfilePlan } from "./plan-profile-memberships"
import { invalidateMemberships } from "../../../lib/cache"
import { traceMark } from "../../../lib/pipeline/trace"

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
    traceMark(plan?.customer_id, "apply:start")
    if (!plan || (!plan.enter.length && !plan.exit.length && plan.next_change_at === undefined)) {
      // Nothing to write, but a path that nests this pipeline may just have changed memberships itself (visitor
      // merge, consent withdrawal): drop the profile's cached segments either way (post-commit).
      if (plan) await invalidateMemberships(container, [plan.profile_id])
      return new StepResponse(undefined, null as Undo | null)
    }
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    // One transaction: a failure here leaves nothing half-written, so there is nothing to compensate yet.
    const done = await service.applyMembershipChanges({
      profile_id: plan.profile_id,
      customer_id: plan.customer_id,
      enter: plan.enter,
      exit: plan.exit,
      now: new Date(input.now),
      next_change_at: plan.next_change_at,
    })
    traceMark(plan.customer_id, "apply:committed")
    // Committed: the store's cached segments for this profile are stale now.
    await invalidateMemberships(container, [plan.profile_id])
    traceMark(plan.customer_id, "apply:end")
    return new StepResponse(undefined, {
      profile_id: plan.profile_id,
      created: done.created,
      closed: done.closed,
      segment_ids: done.segment_ids,
      next_change_at: done.previous_next_change_at,
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
    await invalidateMemberships(container, [undo.profile_id])
  }
)
