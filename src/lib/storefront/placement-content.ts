// The shape of a placement and of a placement variant's content, validated with zod on every admin write.
// Shared by the admin validators (shape) and the placement workflows (references: products, collection,
// category and segment must exist).
import { z } from "@medusajs/framework/zod"

/** `home.hero`, `pdp.cross-sell`, `cart_upsell`: lower-case words joined by '.', '-' or '_'. */
export const PLACEMENT_HANDLE_RE = /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/
export const PLACEMENT_HANDLE_MESSAGE =
  "must be 2 to 64 lower-case letters or digits, in words joined by '.', '-' or '_' (e.g. home.hero)"

export const placementHandle = z
  .string()
  .min(2, PLACEMENT_HANDLE_MESSAGE)
  .max(64, PLACEMENT_HANDLE_MESSAGE)
  .regex(PLACEMENT_HANDLE_RE, PLACEMENT_HANDLE_MESSAGE)

/** Strategies a `recommendations` variant may ask for (served by lib/recommendations when present). */
export const RECOMMENDATION_STRATEGIES = ["for_you", "cart", "popular"] as const
export type RecommendationStrategy = (typeof RECOMMENDATION_STRATEGIES)[number]

export const MAX_SECTION_PRODUCTS = 50

const httpUrl = z
  .string()
  .max(2000, "must be at most 2000 characters")
  .refine((v) => /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v), { message: "must be an http(s) URL" })

// A storefront-relative path ("/sale") or an http(s) URL; never javascript:, data: or protocol-relative "//".
const href = z
  .string()
  .min(1, "must not be empty")
  .max(2000, "must be at most 2000 characters")
  .refine((v) => (v.startsWith("/") && !v.startsWith("//") && !/\s/.test(v)) || (/^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v)), {
    message: "must be a path starting with '/' or an http(s) URL",
  })

const id = z.string().min(1, "must not be empty").max(100, "must be at most 100 characters")

export const PlacementContent = z
  .object({
    title: z.string().max(200, "must be at most 200 characters").optional(),
    subtitle: z.string().max(500, "must be at most 500 characters").optional(),
    image_url: httpUrl.optional(),
    cta: z
      .object({
        label: z.string().trim().min(1, "must not be empty").max(80, "must be at most 80 characters"),
        href,
      })
      .strict()
      .optional(),
    product_ids: z
      .array(id)
      .max(MAX_SECTION_PRODUCTS, `must hold at most ${MAX_SECTION_PRODUCTS} products`)
      .refine((ids) => new Set(ids).size === ids.length, { message: "must not repeat a product" })
      .optional(),
    collection_id: id.optional(),
    category_id: id.optional(),
    recommendations: z
      .object({
        strategy: z.enum(RECOMMENDATION_STRATEGIES),
        limit: z.number().int().min(1).max(MAX_SECTION_PRODUCTS).default(8),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const sources = (["product_ids", "collection_id", "category_id", "recommendations"] as const).filter(
      (k) => c[k] !== undefined
    )
    if (sources.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: `exactly one of product_ids, collection_id, category_id or recommendations is required${
          sources.length ? ` (got ${sources.join(", ")})` : ""
        }`,
      })
    }
  })
export type PlacementContentType = z.infer<typeof PlacementContent>

/** Where a variant's products come from. */
export type ContentSource =
  | { type: "product_ids"; product_ids: string[] }
  | { type: "collection"; collection_id: string }
  | { type: "category"; category_id: string }
  | { type: "recommendations"; strategy: RecommendationStrategy; limit: number }

export function contentSource(content: PlacementContentType): ContentSource {
  if (content.product_ids) return { type: "product_ids", product_ids: content.product_ids }
  if (content.collection_id) return { type: "collection", collection_id: content.collection_id }
  if (content.category_id) return { type: "category", category_id: content.category_id }
  const r = content.recommendations!
  return { type: "recommendations", strategy: r.strategy, limit: r.limit }
}

const name = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters")
const segmentId = z.string().min(1, "must not be empty").max(100, "must be at most 100 characters").nullable()
const priority = z.number().int().min(-1_000_000).max(1_000_000)
const status = z.enum(["active", "draft"])

export const PlacementVariantInput = z
  .object({
    name,
    /** null/absent = the default variant (shown when no segment variant matches). */
    segment_id: segmentId.optional(),
    priority: priority.optional(),
    status: status.optional(),
    content: PlacementContent,
  })
  .strict()
export type PlacementVariantInputType = z.infer<typeof PlacementVariantInput>

export const PlacementVariantUpdate = z
  .object({
    name: name.optional(),
    segment_id: segmentId.optional(),
    priority: priority.optional(),
    status: status.optional(),
    content: PlacementContent.optional(),
  })
  .strict()
export type PlacementVariantUpdateType = z.infer<typeof PlacementVariantUpdate>
