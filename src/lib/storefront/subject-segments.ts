// The segments a store subject is in right now (open memberships of active segments), for targeting content
// and listing offers. Server-side only: callers must not put ids or names of non-public segments in a response.
import type { MedusaRequest } from "@medusajs/framework/http"
import { sql } from "../db/raw-sql"
import { consentGranted, findProfile } from "../privacy/profiles"
import type { StoreSubject } from "../privacy/subject"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"

export type SubjectSegment = {
  id: string
  handle: string
  name: string
  is_public: boolean
  customer_group_id: string | null
}

/**
 * The subject's current segments. Like GET /store/personalization/me: nothing for an anonymous caller, a
 * retired (merged) visitor id, or — when consent is required — a subject without `personalization` consent.
 */
export async function subjectSegments(req: MedusaRequest, subject: StoreSubject): Promise<SubjectSegment[]> {
  if (subject.kind === "none") return []
  const profile = await findProfile(
    req.scope,
    subject.kind === "customer" ? { customer_id: subject.customer_id } : { visitor_id: subject.visitor_id }
  )
  if (!profile || profile.merged_into_id) return []
  const { consent } = req.scope.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE).getOptions()
  if (consent.required && !consentGranted(profile, "personalization")) return []
  return sql<SubjectSegment>(
    req.scope,
    `SELECT s.id, s.handle, s.name, s.is_public, s.customer_group_id
       FROM personalization_segment_membership m
       JOIN personalization_segment s ON s.id = m.segment_id AND s.deleted_at IS NULL
      WHERE m.profile_id = $1 AND m.exited_at IS NULL AND m.deleted_at IS NULL AND s.status = 'active'
      ORDER BY s.handle`,
    [profile.id]
  )
}

/** What a response may say about a segment: handle and name of a public one, nothing about the others. */
export function publicView(segment: SubjectSegment | undefined | null): { handle: string; name: string } | null {
  return segment?.is_public ? { handle: segment.handle, name: segment.name } : null
}
