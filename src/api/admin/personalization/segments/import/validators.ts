import { z } from "@medusajs/framework/zod"
import { HANDLE_RE, PURPOSE_RE } from "../validators"
import { SEGMENTS_DOCUMENT_FORMAT } from "../../../../../lib/segments/as-code/document"
import { placementHandle } from "../../../../../lib/storefront/placement-content"

/** Most segments one document may hold (each is validated and diffed; the body limit is 2 MiB). */
export const MAX_IMPORT_SEGMENTS = 500

const ImportedSegment = z
  .object({
    handle: z.string().regex(HANDLE_RE, "must match ^[a-z0-9-]{2,64}$ (lower-case letters, digits, dashes)"),
    name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    description: z.string().max(2000, "must be at most 2000 characters").nullable().optional(),
    status: z.enum(["draft", "active", "archived"]).optional(),
    purpose: z.string().regex(PURPOSE_RE, "must match ^[a-z][a-z0-9_]{0,63}$").optional(),
    is_public: z.boolean().optional(),
    rule: z.record(z.string(), z.unknown()).optional(),
    rule_text: z.string().min(1, "must not be empty").max(20_000, "must be at most 20000 characters").optional(),
  })
  .strict()
  .refine((s) => s.rule !== undefined || s.rule_text !== undefined, { message: "either rule or rule_text is required", path: ["rule"] })

/** Most placements one document may hold, and variants per placement (as POST /placements allows). */
export const MAX_IMPORT_PLACEMENTS = 200
export const MAX_IMPORT_VARIANTS = 50

/**
 * A placement variant as exported: its segment by handle (null = the default variant) and its content with
 * products / collection / category by handle. The content's shape is checked by the import plan, after the
 * handles are resolved, with the same schema the placement routes use.
 */
const ImportedVariant = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
    segment: z.string().regex(HANDLE_RE, "must be a segment handle").nullable().optional(),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    status: z.enum(["active", "draft"]).optional(),
    content: z.record(z.string(), z.unknown()),
  })
  .strict()

const ImportedPlacement = z
  .object({
    handle: placementHandle,
    description: z.string().max(2000, "must be at most 2000 characters").nullable().optional(),
    variants: z.array(ImportedVariant).max(MAX_IMPORT_VARIANTS, `must hold at most ${MAX_IMPORT_VARIANTS} variants`).default([]),
  })
  .strict()
  .superRefine((p, ctx) => {
    // Variants are matched to the store's by name, so a name may appear once per placement.
    const seen = new Map<string, number>()
    p.variants.forEach((v, i) => {
      if (seen.has(v.name))
        ctx.addIssue({ code: "custom", path: ["variants", i, "name"], message: `duplicate variant name '${v.name}' (also variants.${seen.get(v.name)})` })
      else seen.set(v.name, i)
    })
  })

export const AdminImportSegments = z
  .object({
    format: z.literal(SEGMENTS_DOCUMENT_FORMAT).optional(),
    version: z.literal(1).optional(),
    /** Only report what would change (created / changed / unchanged); write nothing. */
    dry_run: z.boolean().default(false),
    segments: z.array(ImportedSegment).max(MAX_IMPORT_SEGMENTS, `at most ${MAX_IMPORT_SEGMENTS} segments per document`),
    /** Placements matched by handle, their variants by name; imported after the segments. */
    placements: z
      .array(ImportedPlacement)
      .max(MAX_IMPORT_PLACEMENTS, `at most ${MAX_IMPORT_PLACEMENTS} placements per document`)
      .optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seen = new Map<string, number>()
    doc.segments.forEach((s, i) => {
      if (seen.has(s.handle))
        ctx.addIssue({ code: "custom", path: ["segments", i, "handle"], message: `duplicate handle '${s.handle}' (also segments.${seen.get(s.handle)})` })
      else seen.set(s.handle, i)
    })
    const seenPlacement = new Map<string, number>()
    doc.placements?.forEach((p, i) => {
      if (seenPlacement.has(p.handle))
        ctx.addIssue({ code: "custom", path: ["placements", i, "handle"], message: `duplicate handle '${p.handle}' (also placements.${seenPlacement.get(p.handle)})` })
      else seenPlacement.set(p.handle, i)
    })
  })
export type AdminImportSegmentsType = z.infer<typeof AdminImportSegments>
export type ImportedSegmentType = z.infer<typeof ImportedSegment>
export type ImportedPlacementType = z.infer<typeof ImportedPlacement>

/** GET …/segments/export takes no query parameters. */
export const AdminExportSegments = z.object({}).strict()
