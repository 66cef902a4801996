import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { format } from "../../../core/rules"
import { presentRule } from "../references"

export const SEGMENTS_DOCUMENT_FORMAT = "medusa-personalization/segments"

export const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Object keys sorted recursively, so the same data always serializes to the same text. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort(byText)
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])])
    )
  }
  return v
}

/**
 * Every segment (and placement) as one JSON document a merchant can keep in git and import into another store:
 * stable order (by handle), no store-specific ids (segments are referenced by handle; the managed customer group,
 * counts and timestamps are left out because each store has its own).
 */
export async function buildSegmentsDocument(scope: MedusaContainer) {
  const service: PersonalizationModuleService = scope.resolve(PERSONALIZATION_MODULE)
  const segments = await service.listSegments(
    {},
    { select: ["id", "handle", "name", "description", "status", "purpose", "is_public", "rule", "rule_text"], take: null }
  )
  const handleOf = new Map(segments.map((s) => [s.id, s.handle]))
  const placements = await service.listPlacements({}, { select: ["id", "handle", "description"], take: null })
  const variants = placements.length
    ? await service.listPlacementVariants(
        {},
        { select: ["id", "name", "segment_id", "priority", "status", "content", "placement_id"], take: null }
      )
    : []
  const portable = await portableContent(scope, variants.map((v) => v.content as Record<string, unknown>))
  return {
    format: SEGMENTS_DOCUMENT_FORMAT,
    version: 1 as const,
    segments: segments
      .map((s) => {
        // Segment references by handle (stored by id): the document is portable, and a rename shows.
        const rule = presentRule(s.rule, handleOf)
        return {
          handle: s.handle,
          name: s.name,
          description: s.description ?? null,
          status: s.status,
          purpose: s.purpose,
          is_public: s.is_public,
          rule_text: format(rule),
          rule: sortKeys(rule),
        }
      })
      .sort((a, b) => byText(a.handle, b.handle)),
    placements: placements
      .map((p) => ({
        handle: p.handle,
        description: p.description ?? null,
        variants: variants
          .filter((v) => (v as { placement_id?: string }).placement_id === p.id)
          .map((v) => ({
            name: v.name,
            segment: v.segment_id ? handleOf.get(v.segment_id) ?? null : null,
            priority: v.priority,
            status: v.status,
            content: sortKeys(portable(v.content as Record<string, unknown>)),
          }))
          .sort((a, b) => b.priority - a.priority || byText(a.name, b.name) || byText(a.segment ?? "", b.segment ?? "")),
      }))
      .sort((a, b) => byText(a.handle, b.handle)),
  }
}

/**
 * Placement content names products, a collection or a category by id, which differ between stores: the export
 * names them by handle instead (`product_handles`, `collection_handle`, `category_handle`). An id that no longer
 * resolves is kept as `missing_product_ids` / `missing_collection_id` / `missing_category_id`.
 */
export async function portableContent(scope: MedusaContainer, contents: Record<string, unknown>[]) {
  const productIds = [...new Set(contents.flatMap((c) => (Array.isArray(c?.product_ids) ? (c.product_ids as string[]) : [])))]
  const collectionIds = [...new Set(contents.map((c) => c?.collection_id).filter((v): v is string => typeof v === "string"))]
  const categoryIds = [...new Set(contents.map((c) => c?.category_id).filter((v): v is string => typeof v === "string"))]
  const products = scope.resolve(Modules.PRODUCT)
  const [prods, collections, categories] = await Promise.all([
    productIds.length ? products.listProducts({ id: productIds }, { select: ["id", "handle"], take: null }) : [],
    collectionIds.length ? products.listProductCollections({ id: collectionIds }, { select: ["id", "handle"], take: null }) : [],
    categoryIds.length ? products.listProductCategories({ id: categoryIds }, { select: ["id", "handle"], take: null }) : [],
  ])
  const byId = (rows: { id: string; handle?: string | null }[]) => new Map(rows.map((r): [string, string] => [r.id, String(r.handle)]))
  const productHandle = byId(prods as { id: string; handle: string }[])
  const collectionHandle = byId(collections as { id: string; handle: string }[])
  const categoryHandle = byId(categories as { id: string; handle: string }[])
  return (content: Record<string, unknown>) => {
    if (!content || typeof content !== "object") return content
    const { product_ids, collection_id, category_id, ...rest } = content as Record<string, unknown>
    const out: Record<string, unknown> = { ...rest }
    if (Array.isArray(product_ids)) {
      const ids = product_ids as string[]
      out.product_handles = ids.filter((id) => productHandle.has(id)).map((id) => productHandle.get(id))
      const missing = ids.filter((id) => !productHandle.has(id))
      if (missing.length) out.missing_product_ids = missing
    }
    if (typeof collection_id === "string") {
      if (collectionHandle.has(collection_id)) out.collection_handle = collectionHandle.get(collection_id)
      else out.missing_collection_id = collection_id
    }
    if (typeof category_id === "string") {
      if (categoryHandle.has(category_id)) out.category_handle = categoryHandle.get(category_id)
      else out.missing_category_id = category_id
    }
    return out
  }
}
