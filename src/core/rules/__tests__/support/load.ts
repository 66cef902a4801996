/** Loads subjects back from the test database the way the module's loader does (one query per table). */
import { TraitCatalog } from "../../catalog"
import { Subject, SubjectEvent, subjectFromProfileRow } from "../../subject"
import type { TestDb } from "./db"

export async function loadSubjects(db: TestDb, catalog: TraitCatalog): Promise<Map<string, Subject>> {
  const profiles = await db.client.query("SELECT * FROM personalization_customer_profile WHERE deleted_at IS NULL")
  const events = await db.client.query(
    "SELECT profile_id, type, properties, occurred_at FROM personalization_behavior_event WHERE deleted_at IS NULL"
  )
  const memberships = await db.client.query(
    `SELECT m.profile_id, s.handle FROM personalization_segment_membership m
     JOIN personalization_segment s ON s.id = m.segment_id
     WHERE m.exited_at IS NULL AND m.deleted_at IS NULL AND s.deleted_at IS NULL`
  )
  const eventsBy = new Map<string, SubjectEvent[]>()
  for (const e of events.rows) {
    const list = eventsBy.get(e.profile_id) ?? []
    list.push({ type: e.type, properties: e.properties, occurred_at: e.occurred_at })
    eventsBy.set(e.profile_id, list)
  }
  const segmentsBy = new Map<string, string[]>()
  for (const m of memberships.rows) segmentsBy.set(m.profile_id, [...(segmentsBy.get(m.profile_id) ?? []), m.handle])
  const out = new Map<string, Subject>()
  for (const row of profiles.rows) {
    out.set(row.id, subjectFromProfileRow(row, { events: eventsBy.get(row.id) ?? [], segments: segmentsBy.get(row.id) ?? [] }, catalog))
  }
  return out
}
