import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { canonicalRule } from "../../rules"
import { findCycle, segmentReferences, type Rule } from "../../../core/rules"
import { presentRule } from "../references"
import { invalid } from "../../errors"
import { describePlacementPlan, planPlacementImport, type ImportedPlacement, type PlacementPlan } from "./placements"

/** One segment of an imported document (validated by the import route's zod schema). */
export type ImportedSegment = {
  handle: string
  name: string
  description?: string | null
  status?: "draft" | "active" | "archived"
  purpose?: string
  is_public?: boolean
  rule?: Record<string, unknown>
  rule_text?: string
}

export const COMPARED_FIELDS = ["name", "description", "status", "purpose", "is_public", "rule"] as const
type Field = (typeof COMPARED_FIELDS)[number]

export type SegmentCreate = {
  handle: string
  name: string
  description: string | null
  status: "draft" | "active" | "archived"
  purpose?: string
  is_public?: boolean
  rule: Rule
}
export type SegmentChange = {
  id: string
  handle: string
  fields: Field[]
  /** The new values of the changed fields (rule as the canonical AST). */
  data: Partial<Record<Field, unknown>>
  /** The values before, for compensation. */
  previous: Partial<Record<Field, unknown>>
}
export type ImportPlan = {
  /** In dependency order: a segment referenced by another imported one is created first. */
  created: SegmentCreate[]
  changed: SegmentChange[]
  unchanged: string[]
  /** Every handle after the import, referenced segments before their referrers (the order writes apply in). */
  order: string[]
}

/**
 * What importing these segments would do against the store's current segments, matched by handle. Validates
 * every rule with the store's catalogue and every segment('x') reference (an existing segment or one in the
 * document; no cycles) first, so an import either applies as a whole or fails with a 400 naming
 * `segments.<i>.<field>` before anything is written. Fields a document leaves out keep their current value.
 */
export async function planSegmentImport(scope: MedusaContainer, input: ImportedSegment[]): Promise<ImportPlan> {
  const service: PersonalizationModuleService = scope.resolve(PERSONALIZATION_MODULE)
  const existing = await service.listSegments(
    {},
    { select: ["id", "handle", "name", "description", "status", "purpose", "is_public", "rule", "rule_text"], take: null }
  )
  // Stored rules reference segments by id; the document (and this plan) by handle.
  const handleById = new Map(existing.map((s) => [s.id, s.handle]))
  const writtenRule = new Map(existing.map((s) => [s.handle, presentRule(s.rule, handleById)]))
  const byHandle = new Map(existing.map((s) => [s.handle, s]))
  const catalog = service.getCatalog()

  const prepared = input.map((s, i) => {
    let canon
    try {
      canon = canonicalRule({ rule: s.rule, rule_text: s.rule_text }, catalog)
    } catch (e) {
      // canonicalRule names `rule` / `rule_text` (and `rule.<path>` per problem); point them into the document.
      if (e instanceof MedusaError) {
        const message = e.message
          .replace(/^rule: (?=rule[.:])/, "")
          .replace(/(^|; )(rule_text|rule)(?=[.:])/g, `$1segments.${i}.$2`)
        throw new MedusaError(e.type, message)
      }
      throw e
    }
    return { index: i, input: s, ...canon }
  })

  // References resolve against the store after the import: existing segments plus the document's (by handle).
  const rulesAfter = new Map<string, unknown>(writtenRule)
  for (const p of prepared) rulesAfter.set(p.input.handle, p.rule)
  const statusAfter = new Map<string, string>(existing.map((s) => [s.handle, s.status]))
  for (const p of prepared) statusAfter.set(p.input.handle, p.input.status ?? byHandle.get(p.input.handle)?.status ?? "draft")
  for (const p of prepared) {
    const field = p.input.rule !== undefined ? "rule" : "rule_text"
    const missing = p.references.filter((h) => h !== p.input.handle && !rulesAfter.has(h))
    if (missing.length) throw invalid(`segments.${p.index}.${field}`, `unknown segment ${missing.map((h) => `'${h}'`).join(", ")}`)
    const cycle = findCycle(p.input.handle, p.rule, rulesAfter)
    if (cycle) throw invalid(`segments.${p.index}.${field}`, `segment references form a cycle: ${cycle.join(" → ")}`)
  }
  // After the import no segment that is not archived may reference an archived one (as every single save requires).
  for (const [handle, rule] of rulesAfter) {
    if (statusAfter.get(handle) === "archived") continue
    const archived = segmentReferences(rule).filter((h) => statusAfter.get(h) === "archived")
    if (!archived.length) continue
    const inDoc = prepared.find((p) => p.input.handle === handle)
    if (inDoc) {
      throw invalid(
        `segments.${inDoc.index}.${inDoc.input.rule !== undefined ? "rule" : "rule_text"}`,
        `segment '${archived[0]}' is archived after this import; restore it or remove the reference`
      )
    }
    // an existing segment outside the document, whose reference the document archives
    const target = prepared.find((p) => archived.includes(p.input.handle) && p.input.status === "archived")
    if (target) {
      throw invalid(
        `segments.${target.index}.status`,
        `segment '${target.input.handle}' is referenced by segment '${handle}', which is not archived`
      )
    }
  }
  // The order writes can be applied in so that every intermediate state keeps the rules above: referenced segments
  // before the segments that reference them (archivings then go in the reverse order).
  const order: string[] = []
  const placedInOrder = new Set<string>()
  const place = (h: string, depth: number) => {
    if (placedInOrder.has(h) || depth > rulesAfter.size) return
    placedInOrder.add(h)
    for (const ref of segmentReferences(rulesAfter.get(h))) if (rulesAfter.has(ref)) place(ref, depth + 1)
    order.push(h)
  }
  for (const h of [...rulesAfter.keys()].sort()) place(h, 0)

  const creates = prepared.filter((p) => !byHandle.has(p.input.handle))
  const changed: SegmentChange[] = []
  const unchanged: string[] = []
  for (const p of prepared) {
    const current = byHandle.get(p.input.handle)
    if (!current) continue
    const next: Record<Field, unknown> = {
      name: p.input.name,
      description: p.input.description === undefined ? current.description ?? null : p.input.description,
      status: p.input.status ?? current.status,
      purpose: p.input.purpose ?? current.purpose,
      is_public: p.input.is_public ?? current.is_public,
      rule: p.rule,
    }
    const before: Record<Field, unknown> = {
      name: current.name,
      description: current.description ?? null,
      status: current.status,
      purpose: current.purpose,
      is_public: current.is_public,
      // as written (handles), so that undoing the import can save it again
      rule: writtenRule.get(current.handle),
    }
    // Rules compare by their canonical text (the stored rule_text is canonical too).
    const fields = COMPARED_FIELDS.filter((f) => (f === "rule" ? p.rule_text !== current.rule_text : next[f] !== before[f]))
    if (!fields.length) unchanged.push(p.input.handle)
    else
      changed.push({
        id: current.id,
        handle: current.handle,
        fields: [...fields],
        data: Object.fromEntries(fields.map((f) => [f, next[f]])),
        previous: Object.fromEntries(fields.map((f) => [f, before[f]])),
      })
  }

  // Creation order: referenced-first among the new segments (references were checked acyclic above).
  const newHandles = new Set(creates.map((c) => c.input.handle))
  const ordered: typeof creates = []
  const placed = new Set<string>()
  const visit = (c: (typeof creates)[number]) => {
    if (placed.has(c.input.handle)) return
    placed.add(c.input.handle)
    for (const ref of c.references) {
      const dep = newHandles.has(ref) ? creates.find((x) => x.input.handle === ref) : undefined
      if (dep) visit(dep)
    }
    ordered.push(c)
  }
  creates.forEach(visit)

  return {
    created: ordered.map((c) => ({
      handle: c.input.handle,
      name: c.input.name,
      description: c.input.description ?? null,
      status: c.input.status ?? "draft",
      purpose: c.input.purpose,
      is_public: c.input.is_public,
      rule: c.rule,
    })),
    changed: changed.sort((a, b) => (a.handle < b.handle ? -1 : 1)),
    unchanged: unchanged.sort(),
    order,
  }
}

/** The plan as the route answers it (no ids, no rule bodies). */
export function describePlan(plan: ImportPlan) {
  return {
    created: plan.created.map((c) => c.handle).sort(),
    changed: plan.changed.map((c) => ({ handle: c.handle, fields: c.fields })),
    unchanged: plan.unchanged,
  }
}

/**
 * The whole document: segments first, then placements, whose variants may name segments that exist in the
 * store or are created by the same document. Throws a 400 naming the document path before anything is written.
 */
export async function planDocumentImport(
  scope: MedusaContainer,
  doc: { segments: ImportedSegment[]; placements?: ImportedPlacement[] }
): Promise<DocumentPlan> {
  const segments = await planSegmentImport(scope, doc.segments)
  const service: PersonalizationModuleService = scope.resolve(PERSONALIZATION_MODULE)
  const existing = doc.placements?.length ? await service.listSegments({}, { select: ["handle"], take: null }) : []
  const handles = new Set([...existing.map((s) => s.handle), ...doc.segments.map((s) => s.handle)])
  const placements = await planPlacementImport(scope, doc.placements ?? [], handles)
  return { segments, placements }
}

export type DocumentPlan = { segments: ImportPlan; placements: PlacementPlan }

/** The document plan as the route answers it. */
export function describeDocumentPlan(plan: DocumentPlan) {
  return { segments: describePlan(plan.segments), placements: describePlacementPlan(plan.placements) }
}
