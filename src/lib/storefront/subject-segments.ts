// The segments a store subject is in right now, for targeting content and listing offers. Reads through the
// membership cache (lib/cache: profile fresh from Postgres, open memberships cached), with the same consent gate
// as GET /store/personalization/me. Server-side only: callers must not put ids or names of non-public segments
// in a response.
import type { MedusaRequest } from "@medusajs/framework/http"
import { subjectSegments as cachedSubjectSegments, type ActiveSegment } from "../cache"
import type { StoreSubject } from "../privacy/subject"

export type SubjectSegment = Pick<ActiveSegment, "id" | "handle" | "name" | "is_public">

/** Nothing for an anonymous caller, a retired visitor id, or (when required) a subject without consent. */
export async function subjectSegments(req: MedusaRequest, subject: StoreSubject): Promise<SubjectSegment[]> {
  const { segments } = await cachedSubjectSegments(req.scope, subject)
  return segments
}

/** What a response may say about a segment: handle and name of a public one, nothing about the others. */
export function publicView(segment: SubjectSegment | undefined | null): { handle: string; name: string } | null {
  return segment?.is_public ? { handle: segment.handle, name: segment.name } : null
}
