// Set-based planning for many profiles at once (the tracked-events micro-batch, lib/pipeline/evaluate-tracked.ts):
// ONE query for the profiles, ONE for their events, ONE for their open memberships, then the pure core's
// planMembership per profile in JS. Same inputs and same rules as planProfileMembershipsStep (one profile),
// which reads the same three things per profile.
import { planMembership } from "../../core/segments"
import { subjectFromProfileRow } from "../../core/rules"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { sql } from "../db/raw-sql"
import { eventNeeds, profileRow, type ActiveSegment } from "../profile/load-subject"
import { toProfilePlan, type ProfilePlan } from "../../workflows/pipeline/steps/plan-profile-memberships"

type Resolver = { resolve<T = unknown>(key: string): T }

export type BatchPlanInput = {
  profile_id: string
  /** A still-future next_change_at to keep (customers: the cart-abandonment instant only a full refresh computes). */
  keep_change_at?: Date | string | null
}

/**
 * Plans every given profile against the active segments. Profiles that are gone (deleted) get no plan.
 * Consent is enforced by planMembership (`requireConsent`): a segment whose purpose is not granted is left.
 */
export async function planProfilesBatch(
  container: Resolver,
  service: PersonalizationModuleService,
  inputs: BatchPlanInput[],
  segments: ActiveSegment[],
  now: Date
): Promise<ProfilePlan[]> {
  if (!inputs.length) return []
  const ids = [...new Set(inputs.map((i) => i.profile_id))]
  const catalog = service.getCatalog()
  const { types, longestMs } = eventNeeds(segments.map((s) => s.rule))
  // Events and memberships in plain SQL (the same filters the module's list methods apply, soft-deleted rows
  // excluded): hydrating a few thousand event entities through the ORM per pass cost more CPU than planning.
  const [profiles, events, open] = await Promise.all([
    service.listCustomerProfiles({ id: ids }, { take: null }),
    types.length
      ? sql<{ profile_id: string; type: string; properties: Record<string, unknown> | null; occurred_at: Date }>(
          container,
          `SELECT profile_id, type, properties, occurred_at FROM personalization_behavior_event
            WHERE profile_id = ANY($1::text[]) AND type = ANY($2::text[]) AND occurred_at >= $3 AND deleted_at IS NULL`,
          [ids, types, new Date(now.getTime() - longestMs)]
        )
      : Promise.resolve([]),
    sql<{ id: string; segment_id: string; profile_id: string }>(
      container,
      `SELECT id, segment_id, profile_id FROM personalization_segment_membership
        WHERE profile_id = ANY($1::text[]) AND exited_at IS NULL AND deleted_at IS NULL`,
      [ids]
    ),
  ])
  const eventsOf = groupBy(events, (e) => e.profile_id)
  const openOf = groupBy(open, (m) => m.profile_id)
  const byId = new Map(segments.map((s) => [s.id, s]))
  const keepOf = new Map(inputs.map((i) => [i.profile_id, i.keep_change_at ? new Date(i.keep_change_at) : null]))
  const requireConsent = service.getOptions().consent.required

  const plans: ProfilePlan[] = []
  for (const profile of profiles as Record<string, any>[]) {
    const memberships = openOf.get(profile.id) ?? []
    const openBySegment = new Map(memberships.map((m) => [m.segment_id, m.id]))
    const subject = subjectFromProfileRow(
      profileRow(profile),
      {
        events: (eventsOf.get(profile.id) ?? []).map((e) => ({
          type: e.type,
          properties: e.properties ?? {},
          occurred_at: new Date(e.occurred_at),
        })),
        // By id, as stored rules reference segments (core/rules/references.ts); active segments only.
        segments: memberships.map((m) => m.segment_id).filter((id) => byId.has(id)),
      },
      catalog
    )
    const plan = planMembership({ segments, subject, current: new Set(openBySegment.keys()), now, requireConsent, catalog })
    plans.push(toProfilePlan(profile, plan, byId, openBySegment, keepOf.get(profile.id) ?? null))
  }
  return plans
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const row of rows) {
    const k = key(row)
    const list = out.get(k)
    if (list) list.push(row)
    else out.set(k, [row])
  }
  return out
}
