// The storefront's two entry points into experiments (sections and offers), kept here so the store code
// needs a one-line call each.
import { pickVariant, type VariantCandidate } from "../storefront/pick-variant"
import type { StoreSubject } from "../privacy/subject"
import { firstNotHeldOut, type ExposureSubject } from "./expose"

export function exposureSubjectOf(subject: StoreSubject): ExposureSubject {
  if (subject.kind === "customer") return { customer_id: subject.customer_id }
  if (subject.kind === "visitor") return { visitor_id: subject.visitor_id }
  return {}
}

/** The subject's eligible variants, best first (pickVariant's order: segment variants, then defaults). */
export function rankVariants<V extends VariantCandidate>(variants: readonly V[], memberOf: ReadonlySet<string>): V[] {
  const ranked: V[] = []
  let rest = [...variants]
  for (let v = pickVariant(rest, memberOf); v; v = pickVariant(rest, memberOf)) {
    ranked.push(v)
    rest = rest.filter((x) => x.id !== v!.id)
  }
  return ranked
}

/**
 * pickVariant with holdouts: a variant whose running experiment puts the subject in control is skipped (the next
 * variant, finally the default, is served); exposures are logged for the variants the subject would have seen.
 * Never throws.
 */
export async function pickVariantWithHoldout<V extends VariantCandidate>(
  container: { resolve<T = unknown>(key: string): T },
  subject: StoreSubject,
  variants: readonly V[],
  memberOf: ReadonlySet<string>
): Promise<V | null> {
  const ranked = rankVariants(variants, memberOf)
  if (!ranked.length) return null
  const { chosen } = await firstNotHeldOut(container, exposureSubjectOf(subject), ranked, (v) => v.id)
  return chosen
}
