import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { subjectOf } from "../../../../lib/privacy/subject"
import { sql } from "../../../../lib/db/raw-sql"
import { consentGranted } from "../../../../lib/privacy/profiles"
import { consentView, personalizationOf, readableProfile } from "../helpers"

/**
 * What a storefront may show the subject about themselves: the public segments they are in and their
 * consent. No ids, traits or events. Without `personalization` consent (when required) no segment is served.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const subject = subjectOf(req)
  const { consent } = personalizationOf(req).getOptions()
  const profile = await readableProfile(req, subject)
  const served = !!profile && (!consent.required || consentGranted(profile, "personalization"))
  const segments = served
    ? await sql<{ handle: string; name: string }>(
        req.scope,
        `SELECT s.handle, s.name FROM personalization_segment_membership m
           JOIN personalization_segment s ON s.id = m.segment_id AND s.deleted_at IS NULL
          WHERE m.profile_id = $1 AND m.exited_at IS NULL AND m.deleted_at IS NULL
            AND s.is_public AND s.status = 'active'
          ORDER BY s.handle`,
        [profile!.id]
      )
    : []
  res.json({
    subject: { type: subject.kind === "none" ? "anonymous" : subject.kind },
    segments,
    consent: consentView(consent.purposes, profile),
  })
}
