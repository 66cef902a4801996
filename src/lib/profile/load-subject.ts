// Loads what the evaluator needs about one profile: traits, recent events, memberships and consent.
import { windowMs, walk, subjectFromProfileRow, type Rule, type Subject, type TraitCatalog } from "../../core/rules"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { sql } from "../db/raw-sql"
import { applyFactChanges, type FactChanges } from "../../core/behaviour"

type Resolver = { resolve<T = unknown>(key: string): T }

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

/**
 * The real-time pipeline's reads of the plugin's own tables as plain SQL on Medusa's pool (read-only; writes stay
 * on the module service): the same rows as the service's list calls (soft-deleted rows excluded), without the ORM's
 * per-call cost, which is most of the pipeline's CPU.
 */
export const rawReads = {
  async activeSegments(container: Resolver): Promise<ActiveSegment[]> {
    const rows = await sql<ActiveSegment>(
      container,
      `SELECT id, handle, rule, purpose, customer_group_id FROM personalization_segment
        WHERE status = 'active' AND deleted_at IS NULL`
    )
    return rows.map((s) => ({ ...s, customer_group_id: s.customer_group_id ?? null }))
  },
  async customerProfile(container: Resolver, customerId: string): Promise<Record<string, unknown> | null> {
    const [row] = await sql(
      container,
      `SELECT * FROM personalization_customer_profile WHERE customer_id = $1 AND deleted_at IS NULL LIMIT 1`,
      [customerId]
    )
    return row ?? null
  },
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
  catalog: TraitCatalog,
  /** Given: read with plain SQL on Medusa's pool (rawReads) instead of the module service. */
  raw?: Resolver,
  /** Server facts about to be written with the plan: the events are read as they will be. */
  facts?: FactChanges | null
): Promise<{ subject: Subject; openMemberships: { id: string; segment_id: string }[] }> {
  const { types, longestMs } = eventNeeds(segments.map((s) => s.rule))
  const since = new Date(now.getTime() - longestMs)
  const [events, open] = await Promise.all([
    raw
      ? types.length
        ? sql<{ client_id: string; type: string; properties: unknown; occurred_at: Date }>(
            raw,
            `SELECT client_id, type, properties, occurred_at FROM personalization_behavior_event
              WHERE profile_id = $1 AND type = ANY($2::text[]) AND occurred_at >= $3 AND deleted_at IS NULL`,
            [profile.id, types, since]
          )
        : Promise.resolve([])
      : types.length
      ? service.listBehaviorEvents(
          { profile_id: profile.id, type: types, occurred_at: { $gte: since } },
          { select: ["client_id", "type", "properties", "occurred_at"], take: null }
        )
      : Promise.resolve([]),
    raw
      ? sql<{ id: string; segment_id: string }>(
          raw,
          `SELECT id, segment_id FROM personalization_segment_membership
            WHERE profile_id = $1 AND exited_at IS NULL AND deleted_at IS NULL`,
          [profile.id]
        )
      : service.listSegmentMemberships({ profile_id: profile.id, exited_at: null }, { select: ["id", "segment_id"], take: null }),
  ])
  // Stored rules reference segments by id (core/rules/references.ts): the subject's segments are active segments' ids.
  const active = new Set(segments.map((s) => s.id))
  const wanted = new Set(types)
  const current = facts
    ? applyFactChanges(events as { client_id?: string | null; type: string; properties: unknown; occurred_at: Date }[], facts, (f) => ({
        client_id: f.client_id,
        type: f.type,
        properties: f.properties,
        occurred_at: f.occurred_at,
      })).filter((e) => wanted.has(e.type) && new Date(e.occurred_at).getTime() >= since.getTime())
    : events
  const subject = subjectFromProfileRow(
    profileRow(profile),
    {
      events: current.map((e) => ({
        type: e.type,
        properties: (e.properties ?? {}) as Record<string, unknown>,
        occurred_at: new Date(e.occurred_at as unknown as string),
      })),
      segments: open.map((m) => m.segment_id).filter((id) => active.has(id)),
    },
    catalog
  )
  return { subject, openMemberships: open.map((m) => ({ id: m.id, segment_id: m.segment_id })) }
}
