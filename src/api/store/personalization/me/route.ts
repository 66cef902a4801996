import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { subjectOf } from "../../../../lib/privacy/subject"
import { subjectSegments } from "../../../../lib/cache"
import { consentView, personalizationOf } from "../helpers"

/**
 * What a storefront may show the subject about themselves: the public segments they are in and their
 * consent. No ids, traits or events. Without `personalization` consent (when required) no segment is served.
 * Memberships come through the membership cache (lib/cache); the profile (consent, merges) is read fresh.
 */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const subject = subjectOf(req)
  const { consent } = personalizationOf(req).getOptions()
  const { profile, segments } = await subjectSegments(req.scope, subject)
  res.json({
    subject: { type: subject.kind === "none" ? "anonymous" : subject.kind },
    segments: segments.filter((s) => s.is_public).map((s) => ({ handle: s.handle, name: s.name })),
    consent: consentView(consent.purposes, profile),
  })
}
