// GET /store/personalization/sections: for each requested placement, the variant the subject should see
// (their highest-priority segment variant, else the default) with its products loaded and priced for the
// region and the customer. Route handlers stay one call: `res.json(await resolveSections(req, query))`.
import type { MedusaRequest } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { subjectOf, type StoreSubject } from "../privacy/subject"
import { orFallback } from "./degrade"
import { type VariantCandidate } from "./pick-variant"
import { pickVariantWithHoldout } from "../experiments/storefront"
import { contentSource, PlacementContent, type ContentSource } from "./placement-content"
import { loadPricedProducts, resolveStoreContext, type PricedProduct, type StoreContext } from "./priced-products"
import { recommendedProducts } from "./recommendation-source"
import { publicView, subjectSegments, type SubjectSegment } from "./subject-segments"

export type SectionsQuery = {
  /** Placement handles, in the order the sections are returned. */
  placement: string[]
  region_id?: string
  /** Products per section, 1–50. */
  limit: number
}

export type Section = {
  placement: string
  /** Null when the placement has no variant for this subject (no segment match and no default). */
  variant: {
    id: string
    name: string
    /** True when a segment variant won (the subject is in its segment), false for the default. */
    targeted: boolean
    /** Handle and name of the segment, for a public segment only; never anything about a non-public one. */
    segment: { handle: string; name: string } | null
  } | null
  content: {
    title: string | null
    subtitle: string | null
    image_url: string | null
    cta: { label: string; href: string } | null
  } | null
  source: ContentSource | null
  products: PricedProduct[]
}

export type SectionsResponse = {
  region: { id: string; currency_code: string }
  /** One per known placement asked for, in the order asked. */
  sections: Section[]
  /** Handles asked for that name no placement (a typo or a deleted placement): left out of `sections`. */
  missing: string[]
}

type PlacementRow = { id: string; handle: string; variants: (VariantCandidate & { name: string; content: unknown })[] }

async function loadPlacements(req: MedusaRequest, handles: string[]): Promise<Map<string, PlacementRow>> {
  const service = req.scope.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)
  const rows = await service.listPlacements({ handle: handles }, { relations: ["variants"], take: null })
  return new Map(rows.map((p) => [p.handle, p as unknown as PlacementRow]))
}

async function productsFor(
  req: MedusaRequest,
  ctx: StoreContext,
  subject: StoreSubject,
  source: ContentSource,
  limit: number
): Promise<PricedProduct[]> {
  switch (source.type) {
    case "product_ids":
      return loadPricedProducts(req.scope, ctx, { product_ids: source.product_ids }, { limit })
    case "collection":
      return loadPricedProducts(req.scope, ctx, { collection_id: source.collection_id }, { limit })
    case "category":
      return loadPricedProducts(req.scope, ctx, { category_id: source.category_id }, { limit })
    case "recommendations":
      return recommendedProducts(req, ctx, subject, { strategy: source.strategy, limit: Math.min(limit, source.limit) })
  }
}

/**
 * Resolves the requested placements for the request's subject. 400 for a malformed `x-visitor-id` or an
 * unknown `region_id`. Unknown placement handles are listed in `missing` and the known ones still answered, so one
 * stale handle never blanks a page; 404 naming them only when none is known. Failures that are not the caller's fault degrade:
 * segments unreadable → everyone gets the default; products unloadable → an empty product list;
 * placements unreadable → every section empty. They are logged, never answered with a 5xx.
 */
export async function resolveSections(req: MedusaRequest, query: SectionsQuery): Promise<SectionsResponse> {
  const subject = subjectOf(req)
  const ctx = await resolveStoreContext(req, { region_id: query.region_id })
  const asked = [...new Set(query.placement)]

  const placements = await orFallback(req.scope, "loading placements", () => loadPlacements(req, asked), null)
  // Placements unreadable: every handle answers an empty section (nothing is known to be missing).
  const missing = placements ? asked.filter((h) => !placements.has(h)) : []
  if (missing.length === asked.length) {
    throw new MedusaError(
      MedusaError.Types.NOT_FOUND,
      `placement: no placement with handle ${missing.map((h) => `'${h}'`).join(", ")}`
    )
  }
  const handles = asked.filter((h) => !missing.includes(h))

  const segments = await orFallback<SubjectSegment[]>(
    req.scope,
    "reading the subject's segments",
    () => subjectSegments(req, subject),
    []
  )
  const segmentById = new Map(segments.map((s) => [s.id, s]))
  const memberOf = new Set(segmentById.keys())

  const sections = await Promise.all(
    handles.map(async (handle): Promise<Section> => {
      const empty: Section = { placement: handle, variant: null, content: null, source: null, products: [] }
      const placement = placements?.get(handle)
      // Experiments (#8): a variant held out for this subject falls through to the next one; exposures logged.
      const variant = placement ? await pickVariantWithHoldout(req.scope, subject, placement.variants, memberOf) : null
      if (!variant) return empty
      const parsed = PlacementContent.safeParse(variant.content)
      if (!parsed.success) return empty // written through the validated workflows, so only a hand-edited row lands here
      const content = parsed.data
      const source = contentSource(content)
      const products = await orFallback(
        req.scope,
        `loading products for placement ${handle}`,
        () => productsFor(req, ctx, subject, source, query.limit),
        [] as PricedProduct[]
      )
      return {
        placement: handle,
        variant: {
          id: variant.id,
          name: variant.name,
          targeted: variant.segment_id !== null,
          segment: variant.segment_id ? publicView(segmentById.get(variant.segment_id)) : null,
        },
        content: {
          title: content.title ?? null,
          subtitle: content.subtitle ?? null,
          image_url: content.image_url ?? null,
          cta: content.cta ?? null,
        },
        source,
        products,
      }
    })
  )
  return { region: ctx.region, sections, missing }
}
