import { z } from "@medusajs/framework/zod"
import { boundedDateTime } from "../../utils/dates"
import { STOREFRONT_EVENT_TYPES } from "../../../core/rules"

/** Types a storefront may send (order and cart facts come from Medusa's own data, never from a client). */
export const STORE_EVENT_TYPES = STOREFRONT_EVENT_TYPES
export const CUSTOM_EVENT_RE = /^x_[a-z0-9_]{1,62}$/
export const MAX_BATCH = 100
export const MAX_PROPERTIES_BYTES = 2048
/** Clock skew tolerated for occurred_at in the future (then clamped to now); beyond it → 400. */
export const FUTURE_SKEW_MS = 5 * 60_000
/** Events older than this are dropped (counted as dropped_stale), never clamped into recent windows. */
export const MAX_AGE_MS = 7 * 86_400_000

const hasNul = (v: unknown) => JSON.stringify(v).includes("\\u0000")

// Found by the fuzz suite (#10): a key named like an Object.prototype member (hasOwnProperty, toString, …) anywhere
// in the properties crashed Medusa's workflow input handling (500), and a lone UTF-16 surrogate in a string made
// Postgres refuse the jsonb (500). Both are refused up front with a 400 naming `properties`.
const RESERVED_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype))
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
function jsonProblem(v: unknown): string | null {
  let problem: string | null = null
  JSON.stringify(v, function (key, value) {
    if (problem) return undefined
    if (key !== "" && RESERVED_KEYS.has(key)) problem = `must not use the reserved key '${key}'`
    else if (LONE_SURROGATE.test(key) || (typeof value === "string" && LONE_SURROGATE.test(value))) problem = "must not contain unpaired UTF-16 surrogates"
    return value
  })
  return problem
}

const eventType = z.string().refine((t) => (STORE_EVENT_TYPES as readonly string[]).includes(t) || CUSTOM_EVENT_RE.test(t), {
  message: `unknown event type; allowed: ${STORE_EVENT_TYPES.join(", ")} or a custom x_* type (x_[a-z0-9_]+)`,
})

const properties = z
  .record(z.string().max(64, "property names are at most 64 characters"), z.unknown())
  .refine((p) => Buffer.byteLength(JSON.stringify(p)) <= MAX_PROPERTIES_BYTES, {
    message: `must be at most ${MAX_PROPERTIES_BYTES} bytes as JSON`,
  })
  .refine((p) => !hasNul(p), { message: "must not contain NUL characters" })
  .superRefine((p, ctx) => {
    const problem = jsonProblem(p)
    if (problem) ctx.addIssue({ code: "custom", message: problem })
  })

export const TrackedEvent = z
  .object({
    id: z.string().regex(/^[\x21-\x7e]{1,128}$/, "must be 1 to 128 printable ASCII characters (the idempotency key)"),
    type: eventType,
    occurred_at: boundedDateTime().optional(),
    properties: properties.optional(),
  })
  .strict()

export const EventContext = z
  .object({
    device_type: z.enum(["desktop", "mobile", "tablet", "other"]).optional(),
    country: z.string().regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 code").optional(),
  })
  .strict()

const events = z
  .array(TrackedEvent)
  .min(1, "must hold at least one event")
  .max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`)
  .superRefine((list, ctx) => {
    const limit = Date.now() + FUTURE_SKEW_MS
    list.forEach((e, i) => {
      if (e.occurred_at && new Date(e.occurred_at).getTime() > limit) {
        ctx.addIssue({ code: "custom", path: [i, "occurred_at"], message: "must not be in the future" })
      }
    })
  })

export const StoreTrackEvents = z.object({ events, context: EventContext.optional() }).strict()
export type StoreTrackEventsType = z.infer<typeof StoreTrackEvents>

const visitorId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8 to 64 characters of A-Z, a-z, 0-9, '_' or '-'")

export const AdminTrackEvents = z
  .object({
    customer_id: z.string().min(1).max(100).optional(),
    visitor_id: visitorId.optional(),
    events,
    context: EventContext.optional(),
  })
  .strict()
  .refine((b) => (b.customer_id === undefined) !== (b.visitor_id === undefined), {
    message: "exactly one of customer_id or visitor_id is required",
    path: ["customer_id"],
  })
export type AdminTrackEventsType = z.infer<typeof AdminTrackEvents>

export const ConsentStatus = z.enum(["granted", "denied", "withdrawn"])

export const StoreSetConsent = z
  .object({
    purposes: z
      .record(z.string().max(64), ConsentStatus)
      .refine((p) => Object.keys(p).length > 0, { message: "must name at least one purpose" }),
    policy_version: z.string().regex(/^[\x20-\x7e]{1,64}$/, "must be 1 to 64 printable ASCII characters").optional(),
  })
  .strict()
export type StoreSetConsentType = z.infer<typeof StoreSetConsent>

export const EmptyQuery = z.object({}).strict()
