import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { dependencies, nextChange, subjectFromProfileRow, type SubjectEvent } from "../../../core/rules"
import { sql } from "../../../lib/db/raw-sql"
import { eventNeeds } from "../../../lib/profile/load-subject"
import type { RefreshSegment } from "../../../lib/segments/segment-diff"
import { REFRESH_BATCH_SIZE } from "./apply-segment-refresh"

/**
 * Exact-time exits for batch-made memberships: the real-time pipeline stores each profile's next_change_at, but a
 * batch refresh (e.g. backfilling a new "ordered in the last 30 days" segment) decides memberships the per-profile
 * planner never saw. For a time-based rule, compute nextChange per profile in batches and LOWER next_change_at to
 * it; the minute job then re-evaluates the profile at that instant and stores the exact next time. Lowering only
 * ever causes an extra re-evaluation, so there is nothing to compensate.
 */
export const scheduleTimeChangesStep = createStep(
  "personalization-schedule-segment-time-changes",
  async (input: { segment: RefreshSegment; now: Date }, { container }) => {
    const { segment } = input
    if (segment.status !== "active") return new StepResponse({ scheduled: 0 })
    const deps = dependencies(segment.rule)
    if (!deps.timeBased) return new StepResponse({ scheduled: 0 })
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const catalog = service.getCatalog()
    const requireConsent = service.getOptions().consent.required
    const now = new Date(input.now)
    const events = eventNeeds([segment.rule])

    let after = ""
    let scheduled = 0
    for (;;) {
      const rows = await sql<Record<string, any>>(
        container,
        `SELECT * FROM personalization_customer_profile WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2`,
        [after, REFRESH_BATCH_SIZE]
      )
      if (!rows.length) break
      after = rows[rows.length - 1].id
      const ids = rows.map((r) => r.id as string)
      const [eventsOf, handlesOf] = await Promise.all([loadEvents(container, ids, events, now), loadHandles(container, ids, deps.segments)])

      const due: { id: string; at: string }[] = []
      for (const row of rows) {
        const subject = subjectFromProfileRow(row, { events: eventsOf.get(row.id) ?? [], segments: handlesOf.get(row.id) ?? [] }, catalog)
        // Same gate as planMembership: no consent, no membership — and no time-based flip to schedule.
        if (requireConsent && subject.consent[segment.purpose] !== "granted") continue
        const at = nextChange(segment.rule, subject, now, catalog)
        if (at) due.push({ id: row.id, at: at.toISOString() })
      }
      if (due.length) {
        const updated = await sql(
          container,
          `UPDATE personalization_customer_profile p
              SET next_change_at = LEAST(COALESCE(p.next_change_at, t.at), t.at)
             FROM unnest($1::text[], $2::timestamptz[]) AS t(id, at)
            WHERE p.id = t.id AND (p.next_change_at IS NULL OR p.next_change_at > t.at)
           RETURNING p.id`,
          [due.map((d) => d.id), due.map((d) => d.at)]
        )
        scheduled += updated.length
      }
      if (rows.length < REFRESH_BATCH_SIZE) break
    }
    return new StepResponse({ scheduled })
  }
)

type Resolver = { resolve<T = unknown>(key: string): T }

async function loadEvents(container: Resolver, ids: string[], needs: { types: string[]; longestMs: number }, now: Date) {
  const out = new Map<string, SubjectEvent[]>()
  if (!needs.types.length) return out
  const rows = await sql<{ profile_id: string; type: string; properties: Record<string, unknown>; occurred_at: Date }>(
    container,
    `SELECT profile_id, type, properties, occurred_at FROM personalization_behavior_event
      WHERE profile_id = ANY($1::text[]) AND type = ANY($2::text[]) AND occurred_at >= $3 AND deleted_at IS NULL`,
    [ids, needs.types, new Date(now.getTime() - needs.longestMs).toISOString()]
  )
  for (const r of rows) {
    const list = out.get(r.profile_id) ?? []
    list.push({ type: r.type, properties: r.properties ?? {}, occurred_at: new Date(r.occurred_at) })
    out.set(r.profile_id, list)
  }
  return out
}

/** Handles of the active segments each profile is in (what segment('x') reads), for rules that reference any. */
async function loadHandles(container: Resolver, ids: string[], referenced: string[]) {
  const out = new Map<string, string[]>()
  if (!referenced.length) return out
  const rows = await sql<{ profile_id: string; handle: string }>(
    container,
    `SELECT m.profile_id, s.handle FROM personalization_segment_membership m
       JOIN personalization_segment s ON s.id = m.segment_id
      WHERE m.profile_id = ANY($1::text[]) AND m.exited_at IS NULL AND m.deleted_at IS NULL
        AND s.deleted_at IS NULL AND s.status = 'active'`,
    [ids]
  )
  for (const r of rows) out.set(r.profile_id, [...(out.get(r.profile_id) ?? []), r.handle])
  return out
}
