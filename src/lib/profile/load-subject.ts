// Loads what the evaluator needs about one profile: traits, recent events, memberships and consent.
import { windowMs, walk, subjectFromProfileRow, type Rule, type Subject, type TraitCatalog } from "../../core/rules"
import type PersonalizationModuleService from "../../modules/personalization/service"

export type ActiveSegment = {
  id: string
  handle: string
  rule: Rule
  purpose: string
  customer_group_id: string | null
}

export async function loadActiveSegments(service: PersonalizationModuleService): Promise<ActiveSegment[]> {
  const segments = await service.listSegments(
    { status: "active" },
    { select: ["id", "handle", "rule", "purpose", "customer_group_id"], take: null }
  )
  return segments.map((s) => ({
    id: s.id,
    handle: s.handle,
    rule: s.rule as unknown as Rule,
    purpose: s.purpose,
    customer_group_id: s.customer_group_id ?? null,
  }))
}

/** Event types and the longest window the given rules look at. */
export function eventNeeds(rules: Rule[]): { types: string[]; longestMs: number } {
  const types = new Set<string>()
  let longestMs = 0
  for (const rule of rules) {
    walk(rule, (node) => {
      if (node.type !== "event") return
      types.add(node.event)
      longestMs = Math.max(longestMs, windowMs(node.window))
    })
  }
  return { types: [...types], longestMs }
}

/** A profile row as the evaluator reads it: money as exact decimal strings. */
export function profileRow(profile: Record<string, any>): Record<string, unknown> {
  const exact = (name: string) => profile[`raw_${name}`]?.value ?? (profile[name] === null || profile[name] === undefined ? profile[name] : String(profile[name]))
  return { ...profile, total_spent: exact("total_spent"), aov: exact("aov") }
}

export async function loadSubject(
  service: PersonalizationModuleService,
  profile: Record<string, any>,
  segments: ActiveSegment[],
  now: Date,
  catalog: TraitCatalog
): Promise<{ subject: Subject; openMemberships: { id: string; segment_id: string }[] }> {
  const { types, longestMs } = eventNeeds(segments.map((s) => s.rule))
  const [events, open] = await Promise.all([
    types.length
      ? service.listBehaviorEvents(
          { profile_id: profile.id, type: types, occurred_at: { $gte: new Date(now.getTime() - longestMs) } },
          { select: ["type", "properties", "occurred_at"], take: null }
        )
      : Promise.resolve([]),
    service.listSegmentMemberships(
      { profile_id: profile.id, exited_at: null },
      { select: ["id", "segment_id"], take: null }
    ),
  ])
  const handleById = new Map(segments.map((s) => [s.id, s.handle]))
  const subject = subjectFromProfileRow(
    profileRow(profile),
    {
      events: events.map((e) => ({
        type: e.type,
        properties: (e.properties ?? {}) as Record<string, unknown>,
        occurred_at: new Date(e.occurred_at as unknown as string),
      })),
      segments: open.map((m) => handleById.get(m.segment_id)).filter((h): h is string => !!h),
    },
    catalog
  )
  return { subject, openMemberships: open.map((m) => ({ id: m.id, segment_id: m.segment_id })) }
}
