import { z } from "@medusajs/framework/zod"
import { PURPOSE_RE } from "../validators"

/** POST /admin/personalization/segments/preview: a rule (JSON or text, exactly one), optionally against a segment. */
export const AdminPreviewSegment = z
  .object({
    rule: z.record(z.string(), z.unknown()).optional(),
    rule_text: z.string().min(1, "must not be empty").max(20_000, "must be at most 20000 characters").optional(),
    segment_id: z.string().min(1, "must not be empty").max(200, "must be at most 200 characters").optional(),
    sample_size: z.number().int("must be an integer").min(1, "must be at least 1").max(100, "must be at most 100").default(20),
    purpose: z.string().regex(PURPOSE_RE, "must match ^[a-z][a-z0-9_]{0,63}$").optional(),
  })
  .strict()
  .refine((b) => b.rule !== undefined || b.rule_text !== undefined, { message: "either rule or rule_text is required", path: ["rule"] })
  .refine((b) => b.rule === undefined || b.rule_text === undefined, { message: "give either rule or rule_text, not both", path: ["rule_text"] })
export type AdminPreviewSegmentType = z.infer<typeof AdminPreviewSegment>
