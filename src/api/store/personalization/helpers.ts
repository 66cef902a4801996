import type { MedusaRequest } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { findProfile, type ProfileRow, type SubjectRef } from "../../../lib/privacy/profiles"
import { invalid } from "../../../lib/errors"
import type { StoreSubject } from "../../../lib/privacy/subject"

export function personalizationOf(req: MedusaRequest): PersonalizationModuleService {
  return req.scope.resolve(PERSONALIZATION_MODULE)
}

export function refOf(subject: Exclude<StoreSubject, { kind: "none" }>): SubjectRef {
  return subject.kind === "customer" ? { customer_id: subject.customer_id } : { visitor_id: subject.visitor_id }
}

/** The subject's live profile for reading; a retired (merged) visitor id reads as a blank subject. */
export async function readableProfile(req: MedusaRequest, subject: StoreSubject): Promise<ProfileRow | null> {
  if (subject.kind === "none") return null
  const profile = await findProfile(req.scope, refOf(subject))
  return profile && !profile.merged_into_id ? profile : null
}

/** Current consent per configured purpose (null status = never asked). */
export function consentView(purposes: string[], profile: ProfileRow | null) {
  return Object.fromEntries(
    purposes.map((p) => {
      const entry = profile?.consent?.[p]
      return [p, { status: entry?.status ?? null, recorded_at: entry?.recorded_at ?? null }]
    })
  )
}

/** 400 naming `purposes.<name>` for a purpose the store does not use. */
export function assertKnownPurposes(names: string[], purposes: string[]) {
  const unknown = names.filter((n) => !purposes.includes(n))
  if (unknown.length) {
    throw invalid(`purposes.${unknown[0]}`, `unknown purpose '${unknown[0]}'; allowed: ${purposes.join(", ")}`)
  }
}
