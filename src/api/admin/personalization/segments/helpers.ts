import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { notFound } from "../../../../lib/errors"
import { PERSONALIZATION_MODULE } from "../../../../modules/personalization"
import { handlesFor, presentRule } from "../../../../lib/segments/references"

type SegmentLister = { listSegments(filters: object, config: object): Promise<unknown[]> }

/**
 * Segments as the admin API shows them: the rule's segment references by the referenced segments' current handles
 * (stored rules hold their ids; see lib/segments/references.ts).
 */
export async function presentSegments<T extends { rule?: unknown }>(scope: MedusaContainer, segments: T[]): Promise<T[]> {
  const withRules = segments.filter((s) => s.rule && typeof s.rule === "object")
  if (!withRules.length) return segments
  const handles = await handlesFor(scope.resolve<SegmentLister>(PERSONALIZATION_MODULE), withRules.map((s) => s.rule))
  return segments.map((s) => (s.rule && typeof s.rule === "object" ? { ...s, rule: presentRule(s.rule, handles) } : s))
}

/** A segment with its managed customer group, as every admin segment route returns it. */
export async function retrieveSegmentResponse(scope: MedusaContainer, id: string) {
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "segment",
    fields: ["*", "customer_group.id", "customer_group.name"],
    filters: { id },
  })
  if (!data[0]) throw notFound("Segment", id)
  return (await presentSegments(scope, [data[0] as { rule?: unknown }]))[0]
}
