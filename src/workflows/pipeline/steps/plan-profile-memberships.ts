import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { planMembership } from "../../../core/segments"
import { loadActiveSegments, loadSubject, type ActiveSegment } from "../../../lib/profile/load-subject"
import { traceMark, traceNow } from "../../../lib/pipeline/trace"
import type { FactChanges } from "../../../core/behaviour"

export type PlannedChange = { segment_id: string; handle: string; reason: string; customer_group_id: string | null }

export type ProfilePlan = {
  profile_id: string
  customer_id: string | null
  enter: PlannedChange[]
  /** Exits carry the open membership row to close. */
  exit: (PlannedChange & { membership_id: string })[]
  next_change_at: Date | null
}

/**
 * Evaluates every active segment for one profile and returns the difference to its open memberships.
 * `leaveAll` (customer gone) exits everything. Read-only.
 */
export type PlanInput = {
  profile_id: string | null
  now: Date
  leaveAll?: boolean
  extraChangeAt?: Date | null
  /** The profile row as just written by the caller (skips reading it back). */
  profile?: Record<string, unknown> | null
  /** The active segments, when the caller already read them in this run. */
  segments?: ActiveSegment[]
  /** Read events and open memberships with plain SQL (lib/profile/load-subject rawReads). */
  rawReads?: boolean
  /** Order/cart facts the caller is about to write: the subject's events are evaluated with them applied. */
  facts?: FactChanges | null
}

/** The planner as a plain function (the refresh workflow calls it inside its prepare step). Read-only. */
export async function planProfileMemberships(container: MedusaContainer, input: PlanInput): Promise<ProfilePlan | null> {
  if (!input.profile_id) return null
  const t0 = traceNow()
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const now = new Date(input.now)
  const [profile] =
    input.profile && input.profile.id === input.profile_id
      ? [input.profile as Record<string, any>]
      : await service.listCustomerProfiles({ id: input.profile_id }, { take: 1 })
  if (!profile) return null
  traceMark(profile.customer_id, "plan:start", t0)
  const segments = input.segments ?? (await loadActiveSegments(service))
  const { subject, openMemberships } = await loadSubject(
    service,
    profile,
    segments,
    now,
    service.getCatalog(),
    input.rawReads ? container : undefined,
    input.facts ?? null
  )
  traceMark(profile.customer_id, "plan:loaded")
  const byId = new Map(segments.map((s) => [s.id, s]))
  const openBySegment = new Map(openMemberships.map((m) => [m.segment_id, m.id]))

  if (input.leaveAll) {
    return {
      profile_id: profile.id,
      customer_id: profile.customer_id ?? null,
      enter: [],
      exit: openMemberships.map((m) => ({
        segment_id: m.segment_id,
        handle: byId.get(m.segment_id)?.handle ?? m.segment_id,
        reason: "customer deleted",
        customer_group_id: byId.get(m.segment_id)?.customer_group_id ?? null,
        membership_id: m.id,
      })),
      next_change_at: null,
    }
  }

  const plan = planMembership({
    segments,
    subject,
    current: new Set(openBySegment.keys()),
    now,
    requireConsent: service.getOptions().consent.required,
    catalog: service.getCatalog(),
  })
  traceMark(profile.customer_id, "plan:end")
  return toProfilePlan(profile, plan, byId, openBySegment, input.extraChangeAt ? new Date(input.extraChangeAt) : null)
}

/**
 * The core's plan as a ProfilePlan: each change with its segment's managed group, exits with the open stay they
 * close, and the next change the earlier of the plan's and `extra` (a still-future change kept from before).
 * Shared by the one-profile planner and the tracked micro-batch (lib/pipeline/batch-plan.ts).
 */
export function toProfilePlan(
  profile: Record<string, any>, // the stored profile row (plain SQL or ORM): only id and customer_id are read
  plan: ReturnType<typeof planMembership>,
  byId: Map<string, { customer_group_id?: string | null }>,
  openBySegment: Map<string, string>,
  extra: Date | null
): ProfilePlan {
  const next =
    plan.next_change_at && extra
      ? new Date(Math.min(plan.next_change_at.getTime(), extra.getTime()))
      : plan.next_change_at ?? extra
  return {
    profile_id: profile.id,
    customer_id: profile.customer_id ?? null,
    enter: plan.enter.map((e) => ({ ...e, customer_group_id: byId.get(e.segment_id)?.customer_group_id ?? null })),
    exit: plan.exit.map((e) => ({
      ...e,
      customer_group_id: byId.get(e.segment_id)?.customer_group_id ?? null,
      membership_id: openBySegment.get(e.segment_id)!,
    })),
    next_change_at: next,
  }
}

/** planProfileMemberships as a step (evaluate-profile). Read-only. */
export const planProfileMembershipsStep = createStep(
  "personalization-plan-profile-memberships",
  async (input: PlanInput, { container }) => new StepResponse<ProfilePlan | null>(await planProfileMemberships(container, input))
)
