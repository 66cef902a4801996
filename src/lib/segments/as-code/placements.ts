import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { PlacementContent } from "../../storefront/placement-content"
import { invalid } from "../../errors"
import { byText, portableContent, sortKeys } from "./document"

/** One placement of an imported document (validated by the import route's zod schema). */
export type ImportedPlacement = {
  handle: string
  description?: string | null
  variants: ImportedVariant[]
}
export type ImportedVariant = {
  name: string
  /** Segment handle; null = the default variant. Absent = keep the current one (null for a new variant). */
  segment?: string | null
  priority?: number
  status?: "active" | "draft"
  /** As exported: products / collection / category by handle. */
  content: Record<string, unknown>
}

export const VARIANT_FIELDS = ["segment", "priority", "status", "content"] as const
type VariantField = (typeof VARIANT_FIELDS)[number]

/** A variant to write: segment still by handle (a segment created by the same import has no id before it runs). */
export type VariantWrite = {
  name: string
  segment: string | null
  priority: number
  status: "active" | "draft"
  /** With store ids, checked against the placement content schema. */
  content: Record<string, unknown>
}
export type VariantChange = {
  id: string
  name: string
  fields: VariantField[]
  data: Partial<Omit<VariantWrite, "name">>
  /** The stored values before (segment_id, not handle), for compensation. */
  previous: { segment_id?: string | null; priority?: number; status?: "active" | "draft"; content?: Record<string, unknown> }
}
export type PlacementCreate = { handle: string; description: string | null; variants: VariantWrite[] }
export type PlacementChange = {
  id: string
  handle: string
  /** "description" when it differs; "variants" when a variant is created or changed. */
  fields: ("description" | "variants")[]
  description?: string | null
  previous_description?: string | null
  variants: { created: VariantWrite[]; changed: VariantChange[]; unchanged: string[] }
}
export type PlacementPlan = { created: PlacementCreate[]; changed: PlacementChange[]; unchanged: string[] }

const SOURCE_BY_HANDLE: Record<string, string> = {
  product_ids: "product_handles",
  collection_id: "collection_handle",
  category_id: "category_handle",
}

/**
 * What importing these placements would do, matched by handle (variants by name within their placement).
 * Variants compare in the exported, portable form, so a document exported from this store is unchanged.
 * A created or changed variant has its handles resolved to this store's ids and its content checked with the
 * placement content schema; a segment / product / collection / category handle that does not exist is a 400
 * naming `placements.<i>.variants.<j>.…`, before anything is written. `segmentHandles` are the segments that
 * will exist once the document's segments are imported. Placements and variants the document leaves out are
 * never deleted.
 */
export async function planPlacementImport(
  scope: MedusaContainer,
  input: ImportedPlacement[],
  segmentHandles: Set<string>
): Promise<PlacementPlan> {
  const empty: PlacementPlan = { created: [], changed: [], unchanged: [] }
  if (!input.length) return empty
  const service: PersonalizationModuleService = scope.resolve(PERSONALIZATION_MODULE)
  const placements = await service.listPlacements(
    { handle: input.map((p) => p.handle) },
    { select: ["id", "handle", "description"], take: null }
  )
  const placementByHandle = new Map(placements.map((p) => [p.handle, p]))
  const variants = placements.length
    ? await service.listPlacementVariants(
        { placement_id: placements.map((p) => p.id) },
        { select: ["id", "name", "segment_id", "priority", "status", "content", "placement_id"], take: null }
      )
    : []
  const segmentIds = [...new Set(variants.map((v) => v.segment_id).filter((v): v is string => !!v))]
  const segments = segmentIds.length
    ? await service.listSegments({ id: segmentIds }, { select: ["id", "handle"], take: null })
    : []
  const segmentHandleOf = new Map(segments.map((s) => [s.id, s.handle]))
  const portable = await portableContent(scope, variants.map((v) => v.content as Record<string, unknown>))
  const resolve = await handleResolver(scope, input)

  // Only what is written is resolved (a changed priority does not re-check content it leaves as it is).
  const toWrite = (
    v: ImportedVariant,
    path: string,
    current?: { segment: string | null; priority: number; status: "active" | "draft" },
    fields: readonly VariantField[] = VARIANT_FIELDS
  ): VariantWrite => {
    const segment = v.segment === undefined ? current?.segment ?? null : v.segment
    if (fields.includes("segment") && segment !== null && !segmentHandles.has(segment))
      throw invalid(`${path}.segment`, `segment '${segment}' does not exist in this store or the document`)
    return {
      name: v.name,
      segment,
      priority: v.priority ?? current?.priority ?? 0,
      status: v.status ?? current?.status ?? "active",
      content: fields.includes("content") ? resolve(v.content, `${path}.content`) : {},
    }
  }

  const plan: PlacementPlan = { created: [], changed: [], unchanged: [] }
  input.forEach((p, i) => {
    const current = placementByHandle.get(p.handle)
    if (!current) {
      plan.created.push({
        handle: p.handle,
        description: p.description ?? null,
        variants: p.variants.map((v, j) => toWrite(v, `placements.${i}.variants.${j}`)),
      })
      return
    }
    const mine = variants.filter((v) => (v as { placement_id?: string }).placement_id === current.id)
    const used = new Set<string>()
    const change: PlacementChange = { id: current.id, handle: p.handle, fields: [], variants: { created: [], changed: [], unchanged: [] } }
    const description = p.description === undefined ? current.description ?? null : p.description
    if (description !== (current.description ?? null)) {
      change.fields.push("description")
      change.description = description
      change.previous_description = current.description ?? null
    }
    p.variants.forEach((v, j) => {
      const path = `placements.${i}.variants.${j}`
      // Same name; with several, prefer the one for the same segment.
      const candidates = mine.filter((m) => m.name === v.name && !used.has(m.id))
      const existing =
        candidates.find((m) => (m.segment_id ? segmentHandleOf.get(m.segment_id) ?? null : null) === (v.segment ?? null)) ?? candidates[0]
      if (!existing) {
        change.variants.created.push(toWrite(v, path))
        return
      }
      used.add(existing.id)
      const before = {
        segment: existing.segment_id ? segmentHandleOf.get(existing.segment_id) ?? null : null,
        priority: existing.priority as number,
        status: existing.status as "active" | "draft",
        content: JSON.stringify(sortKeys(portable(existing.content as Record<string, unknown>))),
      }
      const next = {
        segment: v.segment === undefined ? before.segment : v.segment,
        priority: v.priority ?? before.priority,
        status: v.status ?? before.status,
        content: JSON.stringify(sortKeys(v.content)),
      }
      const fields = VARIANT_FIELDS.filter((f) => next[f] !== before[f])
      if (!fields.length) {
        change.variants.unchanged.push(v.name)
        return
      }
      const write = toWrite(v, path, before, fields)
      change.variants.changed.push({
        id: existing.id,
        name: v.name,
        fields: [...fields],
        data: Object.fromEntries(fields.map((f) => [f, write[f]])),
        previous: Object.fromEntries(
          fields.map((f) => (f === "segment" ? ["segment_id", existing.segment_id ?? null] : [f, (existing as Record<string, unknown>)[f]]))
        ),
      })
    })
    if (change.variants.created.length || change.variants.changed.length) change.fields.push("variants")
    if (change.fields.length) plan.changed.push(change)
    else plan.unchanged.push(p.handle)
  })
  plan.created.sort((a, b) => byText(a.handle, b.handle))
  plan.changed.sort((a, b) => byText(a.handle, b.handle))
  plan.unchanged.sort(byText)
  return plan
}

/**
 * Turns exported content (`product_handles`, `collection_handle`, `category_handle`) back into this store's ids
 * and checks it with the placement content schema; problems are 400s naming the document path.
 */
async function handleResolver(scope: MedusaContainer, input: ImportedPlacement[]) {
  const contents = input.flatMap((p) => p.variants.map((v) => v.content))
  const strings = (key: string) =>
    [...new Set(contents.flatMap((c) => (Array.isArray(c[key]) ? c[key] : [c[key]]).filter((h): h is string => typeof h === "string")))]
  const productHandles = strings("product_handles")
  const collectionHandles = strings("collection_handle")
  const categoryHandles = strings("category_handle")
  const products = scope.resolve(Modules.PRODUCT)
  const [prods, collections, categories] = await Promise.all([
    productHandles.length ? products.listProducts({ handle: productHandles }, { select: ["id", "handle"], take: null }) : [],
    collectionHandles.length
      ? products.listProductCollections({ handle: collectionHandles }, { select: ["id", "handle"], take: null })
      : [],
    categoryHandles.length
      ? products.listProductCategories({ handle: categoryHandles }, { select: ["id", "handle"], take: null })
      : [],
  ])
  const idOf = (rows: { id: string; handle?: string | null }[]) => new Map(rows.map((r): [string, string] => [String(r.handle), r.id]))
  const productId = idOf(prods as { id: string; handle: string }[])
  const collectionId = idOf(collections as { id: string; handle: string }[])
  const categoryId = idOf(categories as { id: string; handle: string }[])

  return (content: Record<string, unknown>, path: string): Record<string, unknown> => {
    const { product_handles, collection_handle, category_handle, ...rest } = content
    for (const key of ["product_ids", "collection_id", "category_id"]) {
      if (key in rest) throw invalid(`${path}.${key}`, `a document names these by handle: use ${SOURCE_BY_HANDLE[key]}`)
    }
    for (const [key, what] of [
      ["missing_product_ids", "product(s)"],
      ["missing_collection_id", "collection"],
      ["missing_category_id", "category"],
    ] as const) {
      if (key in rest)
        throw invalid(`${path}.${key}`, `the ${what} ${JSON.stringify(rest[key])} no longer existed in the exporting store; remove ${key}`)
    }
    const out: Record<string, unknown> = { ...rest }
    if (product_handles !== undefined) {
      if (!Array.isArray(product_handles)) throw invalid(`${path}.product_handles`, "must be an array of product handles")
      out.product_ids = product_handles.map((h, k) => {
        const id = typeof h === "string" ? productId.get(h) : undefined
        if (!id) throw invalid(`${path}.product_handles.${k}`, `product '${String(h)}' does not exist in this store`)
        return id
      })
    }
    if (collection_handle !== undefined) {
      const id = typeof collection_handle === "string" ? collectionId.get(collection_handle) : undefined
      if (!id) throw invalid(`${path}.collection_handle`, `collection '${String(collection_handle)}' does not exist in this store`)
      out.collection_id = id
    }
    if (category_handle !== undefined) {
      const id = typeof category_handle === "string" ? categoryId.get(category_handle) : undefined
      if (!id) throw invalid(`${path}.category_handle`, `category '${String(category_handle)}' does not exist in this store`)
      out.category_id = id
    }
    const parsed = PlacementContent.safeParse(out)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const [head, ...tail] = issue.path.map(String)
      const where = head === undefined ? path : [path, SOURCE_BY_HANDLE[head] ?? head, ...tail].join(".")
      throw invalid(where, issue.message)
    }
    return parsed.data as Record<string, unknown>
  }
}

/** The placement plan as the route answers it (no ids, no content bodies). */
export function describePlacementPlan(plan: PlacementPlan) {
  return {
    created: plan.created.map((p) => ({ handle: p.handle, variants: p.variants.map((v) => v.name) })),
    changed: plan.changed.map((p) => ({
      handle: p.handle,
      fields: p.fields,
      variants: {
        created: p.variants.created.map((v) => v.name),
        changed: p.variants.changed.map((v) => ({ name: v.name, fields: v.fields })),
        unchanged: p.variants.unchanged,
      },
    })),
    unchanged: plan.unchanged,
  }
}
