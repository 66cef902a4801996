import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"

export const SEGMENTS_DOCUMENT_FORMAT = "medusa-personalization/segments"

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Object keys sorted recursively, so the same data always serializes to the same text. */
function sortKeys(v: unknown): unknown {
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
  return {
    format: SEGMENTS_DOCUMENT_FORMAT,
    version: 1 as const,
    segments: segments
      .map((s) => ({
        handle: s.handle,
        name: s.name,
        description: s.description ?? null,
        status: s.status,
        purpose: s.purpose,
        is_public: s.is_public,
        rule_text: s.rule_text,
        rule: sortKeys(s.rule),
      }))
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
            content: sortKeys(v.content),
          }))
          .sort((a, b) => b.priority - a.priority || byText(a.name, b.name) || byText(a.segment ?? "", b.segment ?? "")),
      }))
      .sort((a, b) => byText(a.handle, b.handle)),
  }
}
