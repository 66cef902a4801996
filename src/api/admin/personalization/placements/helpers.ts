import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../modules/personalization/service"
import { notFound } from "../../../../lib/errors"

/** A placement with its live variants (highest priority first), as every admin placement route returns it. */
export async function retrievePlacementResponse(scope: MedusaContainer, id: string) {
  const service = scope.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)
  const [placement] = await service.listPlacements({ id }, { relations: ["variants"], take: 1 })
  if (!placement) throw notFound("Placement", id)
  return withSortedVariants(placement)
}

export function withSortedVariants<P extends { variants?: unknown }>(placement: P): P {
  const variants = ((placement.variants ?? []) as { priority: number; created_at: Date | string; deleted_at?: unknown }[])
    .filter((v) => !v.deleted_at)
    .sort((a, b) => b.priority - a.priority || new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
  return { ...placement, variants }
}
