import { z } from "@medusajs/framework/zod"

export const HANDLE_RE = /^[a-z0-9-]{2,64}$/
export const PURPOSE_RE = /^[a-z][a-z0-9_]{0,63}$/

const handle = z.string().regex(HANDLE_RE, "must match ^[a-z0-9-]{2,64}$ (lower-case letters, digits, dashes)")
const name = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters")
const description = z.string().max(2000, "must be at most 2000 characters").nullable()
const ruleJson = z.record(z.string(), z.unknown())
const ruleText = z.string().min(1, "must not be empty").max(20_000, "must be at most 20000 characters")

export const AdminCreateSegment = z
  .object({
    handle,
    name,
    description: description.optional(),
    rule: ruleJson.optional(),
    rule_text: ruleText.optional(),
    status: z.enum(["draft", "active"]).optional(),
    purpose: z.string().regex(PURPOSE_RE, "must match ^[a-z][a-z0-9_]{0,63}$").optional(),
    is_public: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.rule !== undefined || b.rule_text !== undefined, {
    message: "either rule or rule_text is required",
    path: ["rule"],
  })
export type AdminCreateSegmentType = z.infer<typeof AdminCreateSegment>

export const AdminUpdateSegment = z
  .object({
    handle: handle.optional(),
    name: name.optional(),
    description: description.optional(),
    rule: ruleJson.optional(),
    rule_text: ruleText.optional(),
    status: z.enum(["draft", "active", "archived"]).optional(),
    purpose: z.string().regex(PURPOSE_RE, "must match ^[a-z][a-z0-9_]{0,63}$").optional(),
    is_public: z.boolean().optional(),
  })
  .strict()
export type AdminUpdateSegmentType = z.infer<typeof AdminUpdateSegment>

export const AdminListSegments = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
    status: z
      .union([z.enum(["draft", "active", "archived"]), z.array(z.enum(["draft", "active", "archived"]))])
      .optional(),
    q: z.string().max(200).optional(),
    order: z
      .enum(["name", "-name", "handle", "-handle", "created_at", "-created_at", "member_count", "-member_count"])
      .default("-created_at"),
  })
  .strict()
export type AdminListSegmentsType = z.infer<typeof AdminListSegments>
