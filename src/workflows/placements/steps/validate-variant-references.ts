import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { invalid } from "../../../lib/errors"
import type { PlacementContentType } from "../../../lib/storefront/placement-content"

export type VariantReferences = {
  /** Field path prefix for messages, e.g. "variants.1." or "" for a single variant body. */
  path: string
  segment_id?: string | null
  content?: PlacementContentType
}

/**
 * Every id a variant names must exist, so a typo is a 400 naming the field instead of a section that
 * silently shows nothing: the segment (not deleted), the products, the collection, the category.
 * Products may be unpublished (the storefront filters them out until they are published).
 */
export const validateVariantReferencesStep = createStep(
  "personalization-validate-variant-references",
  async (input: { variants: VariantReferences[] }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    for (const v of input.variants) {
      if (v.segment_id) {
        const [segment] = await service.listSegments({ id: v.segment_id }, { select: ["id"], take: 1 })
        if (!segment) throw invalid(`${v.path}segment_id`, `segment '${v.segment_id}' does not exist`)
      }
      const c = v.content
      if (!c) continue
      if (c.product_ids?.length) {
        const { data } = await query.graph({ entity: "product", fields: ["id"], filters: { id: c.product_ids } })
        const found = new Set(data.map((p: { id: string }) => p.id))
        const missing = c.product_ids.findIndex((id) => !found.has(id))
        if (missing >= 0) {
          throw invalid(`${v.path}content.product_ids.${missing}`, `product '${c.product_ids[missing]}' does not exist`)
        }
      }
      if (c.collection_id) {
        const { data } = await query.graph({ entity: "product_collection", fields: ["id"], filters: { id: c.collection_id } })
        if (!data.length) throw invalid(`${v.path}content.collection_id`, `collection '${c.collection_id}' does not exist`)
      }
      if (c.category_id) {
        const { data } = await query.graph({ entity: "product_category", fields: ["id"], filters: { id: c.category_id } })
        if (!data.length) throw invalid(`${v.path}content.category_id`, `category '${c.category_id}' does not exist`)
      }
    }
    return new StepResponse(undefined)
  }
)
