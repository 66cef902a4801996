import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { recordConsentWorkflow } from "../../../../workflows/privacy/record-consent"
import { requireSubject, subjectOf } from "../../../../lib/privacy/subject"
import { findProfile } from "../../../../lib/privacy/profiles"
import { withConflicts } from "../../../utils/conflict"
import { assertKnownPurposes, consentView, personalizationOf, readableProfile, refOf } from "../helpers"
import type { StoreSetConsentType } from "../validators"

/** The subject's current consent per purpose. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const { consent } = personalizationOf(req).getOptions()
  const profile = await readableProfile(req, subjectOf(req))
  res.json({ required: consent.required, consent: consentView(consent.purposes, profile) })
}

/** Records one or more decisions; withdrawals take effect on segment membership within this request. */
export const POST = withConflicts(async (req: MedusaRequest<StoreSetConsentType>, res: MedusaResponse) => {
  const subject = requireSubject(req)
  const { consent } = personalizationOf(req).getOptions()
  const body = req.validatedBody
  assertKnownPurposes(Object.keys(body.purposes), consent.purposes)
  await recordConsentWorkflow(req.scope).run({
    input: {
      subject: refOf(subject),
      decisions: Object.entries(body.purposes).map(([purpose, status]) => ({ purpose, status })),
      source: "store",
      policy_version: body.policy_version ?? null,
    },
  })
  const profile = await findProfile(req.scope, refOf(subject))
  res.json({ required: consent.required, consent: consentView(consent.purposes, profile) })
})
