import { z } from "@medusajs/framework/zod"
import { HANDLE_RE, PURPOSE_RE } from "../validators"
import { SEGMENTS_DOCUMENT_FORMAT } from "../../../../../lib/segments/as-code/document"

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

export const AdminImportSegments = z
  .object({
    format: z.literal(SEGMENTS_DOCUMENT_FORMAT).optional(),
    version: z.literal(1).optional(),
    /** Only report what would change (created / changed / unchanged); write nothing. */
    dry_run: z.boolean().default(false),
    segments: z.array(ImportedSegment).max(MAX_IMPORT_SEGMENTS, `at most ${MAX_IMPORT_SEGMENTS} segments per document`),
    /** Placements are exported for reference; importing them is not supported yet (see README). */
    placements: z.array(z.unknown()).optional(),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seen = new Map<string, number>()
    doc.segments.forEach((s, i) => {
      if (seen.has(s.handle))
        ctx.addIssue({ code: "custom", path: ["segments", i, "handle"], message: `duplicate handle '${s.handle}' (also segments.${seen.get(s.handle)})` })
      else seen.set(s.handle, i)
    })
  })
export type AdminImportSegmentsType = z.infer<typeof AdminImportSegments>
export type ImportedSegmentType = z.infer<typeof ImportedSegment>

/** GET …/segments/export takes no query parameters. */
export const AdminExportSegments = z.object({}).strict()
