// Value generators for the HTTP fuzz suite (issue #10): valid, boundary and hostile inputs.
import fc from "fast-check"
import { STORE_EVENT_TYPES } from "../../src/api/store/personalization/validators"

export const SQL_FRAGMENTS = [
  "' OR '1'='1",
  "'; DROP TABLE personalization_segment; --",
  "1; SELECT pg_sleep(5)",
  "\") OR 1=1 --",
  "$1",
  "%' AND 1=0 UNION SELECT id FROM customer --",
  "admin'--",
]
export const SCRIPT_FRAGMENTS = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "\"><svg/onload=alert(1)>",
  "javascript:alert(1)",
  "{{constructor.constructor('return 1')()}}",
  "${7*7}",
]
export const UNICODE_FRAGMENTS = ["é", "ß", "😀", "👩‍👩‍👧", "\u202e", "\u200b", "Ω≈ç√", "ｆｕｌｌ", "\ud800", "\uffff", "\u0000", "\t\n\r"]
export const PROTO_KEYS = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty"]

/** Strings a real storefront or admin could send, plus hostile fragments. */
export const weirdString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS, ...UNICODE_FRAGMENTS, ...PROTO_KEYS),
  fc.tuple(fc.constantFrom(...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS), fc.string({ maxLength: 10 })).map(([a, b]) => a + b)
)

/** Any JSON value of a wrong type for a field (the schema decides whether it is wrong). */
export const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 1.5, 1e-320),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
  weirdString
)

/** Small JSON values (for event properties). */
export const jsonValue = fc.jsonValue({ maxDepth: 3 }).filter((v) => JSON.stringify(v).length < 400)

export const printableId = (max = 128) =>
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: max })

export const VALID_RULES = [
  "orders_count >= 1",
  "total_spent >= 500",
  "event('product_viewed').count(last 7d) >= 2",
  "event('product_viewed', category = 'fuzz').count(last 24h) >= 1",
  "categories_bought contains 'electronics'",
  "NOT country = 'DE' AND orders_count >= 1",
]

export const recentIso = fc.integer({ min: 0, max: 6 * 86_400_000 }).map((ago) => new Date(Date.now() - ago).toISOString())

export const trackedEvent = (prefix: string) =>
  fc.record(
    {
      id: fc.oneof(printableId(40).map((s) => `${prefix}${s}`.slice(0, 128)), printableId(128)),
      type: fc.oneof(fc.constantFrom(...STORE_EVENT_TYPES), fc.stringMatching(/^x_[a-z0-9_]{1,20}$/)),
      occurred_at: recentIso,
      properties: fc.dictionary(
        fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("category", "product_id", ...PROTO_KEYS)),
        fc.oneof(jsonValue, weirdString, fc.constant("fuzz")),
        { maxKeys: 4 }
      ),
    },
    { requiredKeys: ["id", "type"] }
  )

export const eventContext = fc.record(
  { device_type: fc.constantFrom("desktop", "mobile", "tablet", "other"), country: fc.constantFrom("NL", "de", "US", "fr") },
  { requiredKeys: [] }
)

/** A body POST /store/personalization/events accepts (incl. boundaries: 100 events, 128-char ids). */
export const validEventsBody = (prefix: string) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.record({ events: fc.array(trackedEvent(prefix), { minLength: 1, maxLength: 5 }), context: eventContext }, { requiredKeys: ["events"] }) },
    {
      weight: 1,
      arbitrary: fc.constant(null).map(() => ({
        events: Array.from({ length: 100 }, (_, i) => ({ id: `${prefix}b${i}-${Math.random().toString(36).slice(2)}`, type: "page_viewed" })),
      })),
    },
    {
      weight: 1,
      arbitrary: fc.constant(null).map(() => ({
        events: [{ id: "x".repeat(100) + Math.random().toString(36).slice(2, 30).padEnd(28, "0"), type: "x_fuzz_boundary", properties: { blob: "y".repeat(2000) } }],
      })),
    }
  )

/** Deeply nested JSON text (arrays or objects), `depth` levels. */
export function deepJson(depth: number, kind: "array" | "object" = "array"): string {
  return kind === "array" ? "[".repeat(depth) + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth)
}

/** A deeply nested value (not text): for bodies axios serializes. */
export function deepValue(depth: number): unknown {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = { a: v }
  return v
}
