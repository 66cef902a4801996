// The route table of the HTTP fuzz suite (issue #10). ONE place lists what the fuzzer knows about each store and
// admin personalization route: auth, valid inputs, which defects must be refused, whether a success writes.
// Routes are DISCOVERED from src/api/**/route.ts at run time: a route file not in this table is still fuzzed with
// generic inputs and the auth defects (which every route must refuse), and is reported as "generic" in the log.
import fs from "fs"
import path from "path"
import fc from "fast-check"
import {
  deepJson,
  printableId,
  SCRIPT_FRAGMENTS,
  SQL_FRAGMENTS,
  UNICODE_FRAGMENTS,
  VALID_RULES,
  validEventsBody,
  weirdString,
  wrongValue,
} from "./fuzz-values"

export type Method = "GET" | "POST" | "DELETE"
export type Auth = "store" | "store-customer" | "admin"

export type FuzzContext = {
  pk: string
  admin: Record<string, string> // authorization header
  customers: { id: string; authorization: string }[]
  visitors: string[]
  segmentIds: string[]
  customerIds: string[] // existing customers (incl. the ones above)
  tokens: {
    expiredCustomer: string
    forgedCustomer: string
    algNoneCustomer: string
    expiredAdmin: string
    forgedAdmin: string
  }
  unique: () => string
}

export type FuzzRequest = {
  route: string // "POST /store/personalization/events"
  method: Method
  url: string
  headers: Record<string, string>
  body?: unknown
  rawBody?: string
  /** The defect that must make the server refuse this request (hostile phase), or null (valid phase). */
  defect: string | null
}

type Gen<T> = (ctx: FuzzContext) => fc.Arbitrary<T>

export type RouteSpec = {
  method: Method
  path: string // Express style, e.g. /admin/personalization/segments/:id
  auth: Auth
  /** A successful call writes nothing (the no-write invariant may be checked around it). */
  readOnly: boolean
  /** Path parameters (valid phase); defaults to the id pools. */
  params?: Record<string, Gen<string>>
  /** Valid query (object of strings/arrays). Absent → none sent. */
  query?: Gen<Record<string, string | string[]>>
  /** The query is validated strictly: an unknown parameter must be a 400. */
  strictQuery?: boolean
  /** Valid body. Absent → the route takes no body. */
  body?: Gen<unknown>
  /** Bodies that must be refused with a 400 (each is a named defect). */
  badBodies?: Gen<{ defect: string; body?: unknown; rawBody?: string }>
  /** Path ids that must be refused (404/400) whatever else is sent. */
  unknownIdIs404?: string[]
  /** Store routes that need a subject (customer token or x-visitor-id) and validate x-visitor-id. */
  subject?: "optional" | "required"
  /** Erases or deletes: generated less often in the valid phase. */
  destructive?: boolean
}

const pick = <T>(xs: T[]) => fc.constantFrom(...xs)
const segmentId: Gen<string> = (ctx) => pick(ctx.segmentIds)
const customerId: Gen<string> = (ctx) => pick(ctx.customerIds)
const page = (max: number) =>
  fc.record(
    { limit: fc.integer({ min: 1, max }).map(String), offset: fc.integer({ min: 0, max: 10_000 }).map(String) },
    { requiredKeys: [] }
  )

const unknownField = (base: Record<string, unknown>) =>
  fc.tuple(fc.constantFrom("colour", "__proto__x", "rule_ast", "admin", "customer_id"), wrongValue).map(([k, v]) => ({
    defect: `unknown field ${k}`,
    body: { ...base, [k]: v },
  }))

const rawDefects = fc.oneof(
  fc.constantFrom(
    { defect: "invalid JSON (truncated)", rawBody: '{"events": [' },
    { defect: "invalid JSON (single quotes)", rawBody: "{'a': 1}" },
    { defect: "invalid JSON (NaN)", rawBody: '{"a": NaN}' },
    { defect: "invalid JSON (trailing comma)", rawBody: '{"a": 1,}' },
    { defect: "JSON is not an object (array)", rawBody: "[1,2,3]" },
    { defect: "JSON is not an object (string)", rawBody: '"hello"' },
    { defect: "JSON is not an object (number)", rawBody: "12345678901234567890123456789" }
  ),
  fc.integer({ min: 2_000, max: 40_000 }).map((d) => ({ defect: `deep JSON array (${d} levels)`, rawBody: `{"events":${deepJson(d)}}` })),
  fc.integer({ min: 2_000, max: 20_000 }).map((d) => ({ defect: `deep JSON object (${d} levels)`, rawBody: `{"x":${deepJson(d, "object")}}` }))
)

function eventsBadBodies(prefix: string) {
  const ok = { id: `${prefix}-ok`, type: "page_viewed" }
  return fc.oneof(
    wrongValue.map((v) => ({ defect: "events: wrong type", body: { events: v } })),
    fc.constant({ defect: "events: empty", body: { events: [] } }),
    fc.constant({ defect: "events: 101 events", body: { events: Array.from({ length: 101 }, (_, i) => ({ id: `e${i}`, type: "page_viewed" })) } }),
    fc.oneof(
      fc.constant(""),
      fc.constant("x".repeat(129)),
      fc.constantFrom(...UNICODE_FRAGMENTS.filter((u) => u.trim()), "has space", ...SCRIPT_FRAGMENTS.filter((s) => s.includes(" ")))
    ).map((id) => ({ defect: "events.0.id: invalid", body: { events: [{ ...ok, id }] } })),
    wrongValue.filter((v) => typeof v !== "string").map((id) => ({ defect: "events.0.id: wrong type", body: { events: [{ ...ok, id }] } })),
    fc.constantFrom("order_placed", "PRODUCT_VIEWED", "x_", "x_UPPER", ...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS).map((type) => ({
      defect: "events.0.type: not allowed",
      body: { events: [{ ...ok, type }] },
    })),
    fc.constantFrom("yesterday", "2026-13-45T00:00:00Z", "1e308", new Date(Date.now() + 86_400_000).toISOString()).map((occurred_at) => ({
      defect: "events.0.occurred_at: invalid or future",
      body: { events: [{ ...ok, occurred_at }] },
    })),
    fc.constantFrom(
      { blob: "z".repeat(2100) },
      { ["k".repeat(65)]: 1 },
      { nul: "a\u0000b" }
    ).map((properties) => ({ defect: "events.0.properties: too big / long key / NUL", body: { events: [{ ...ok, properties }] } })),
    wrongValue.filter((v) => v !== null && (typeof v !== "object" || Array.isArray(v))).map((properties) => ({
      defect: "events.0.properties: wrong type",
      body: { events: [{ ...ok, properties }] },
    })),
    fc.constantFrom({ device_type: "toaster" }, { country: "DEU" }, { country: "' OR 1=1" }, { ip: "1.2.3.4" }).map((context) => ({
      defect: "context: invalid",
      body: { events: [ok], context },
    })),
    fc.constant({ defect: "events.0: unknown field", body: { events: [{ ...ok, customer_id: "cus_x" }] } }),
    unknownField({ events: [ok] }),
    fc.integer({ min: 200, max: 50_000 }).map((d) => ({
      defect: `events.0.properties: deep object (${d} levels)`,
      rawBody: `{"events":[{"id":"deep","type":"page_viewed","properties":{"a":${deepJson(d, "object")}}}]}`,
    })),
    fc.constant({ defect: "body: over 300 KiB", rawBody: JSON.stringify({ events: [{ ...ok, properties: { pad: "p".repeat(320 * 1024) } }] }) }),
    rawDefects
  )
}

const consentBody = fc.record(
  {
    purposes: fc
      .dictionary(fc.constantFrom("personalization", "analytics", "marketing"), fc.constantFrom("granted", "denied", "withdrawn"), {
        minKeys: 1,
        maxKeys: 3,
      }),
    policy_version: fc.constantFrom("v1", "2026-11", "policy <b>1</b>", "' OR 1=1"),
  },
  { requiredKeys: ["purposes"] }
)

const consentBadBodies = fc.oneof(
  fc.constant({ defect: "purposes: empty", body: { purposes: {} } }),
  wrongValue.filter((v) => v === null || typeof v !== "object" || Array.isArray(v)).map((purposes) => ({ defect: "purposes: wrong type", body: { purposes } })),
  fc.constantFrom("yes", "GRANTED", "", "<script>").map((s) => ({ defect: "purposes.x: bad status", body: { purposes: { personalization: s } } })),
  fc.constantFrom("ads", "PERSONALIZATION", "__proto__x", ...SQL_FRAGMENTS).map((p) => ({ defect: "purposes: unknown purpose", body: { purposes: { [p]: "granted" } } })),
  fc.constantFrom("é", "x".repeat(65), "").map((policy_version) => ({
    defect: "policy_version: invalid",
    body: { purposes: { analytics: "granted" }, policy_version },
  })),
  unknownField({ purposes: { analytics: "granted" } }),
  rawDefects
)

const segmentCreate = (ctx: FuzzContext) =>
  fc.record(
    {
      handle: fc.constant(null).map(() => `fz-${ctx.unique()}`),
      name: fc.oneof(fc.constant("Fuzz segment"), weirdString.filter((s) => s.trim().length > 0 && s.length <= 200 && !s.includes("\u0000"))),
      description: fc.oneof(fc.constant(null), weirdString.filter((s) => !s.includes("\u0000"))),
      rule_text: pick(VALID_RULES),
      status: fc.constantFrom("draft", "draft", "draft", "active"),
      is_public: fc.boolean(),
    },
    { requiredKeys: ["handle", "name", "rule_text"] }
  )

const segmentBadBodies = (required: boolean) =>
  fc.oneof(
    fc.constantFrom("UPPER", "a", "has space", "x".repeat(65), ...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS).map((handle) => ({
      defect: "handle: invalid",
      body: { handle, name: "n", rule_text: "orders_count >= 1" },
    })),
    fc.constantFrom("", "   ", "n".repeat(201)).map((name) => ({ defect: "name: invalid", body: { handle: "fz-bad-name", name, rule_text: "orders_count >= 1" } })),
    fc.constant({ defect: "rule_text: over 20000 chars", body: { handle: "fz-long", name: "n", rule_text: "orders_count >= 1 OR ".repeat(1100) + "orders_count >= 1" } }),
    fc.constantFrom("orders_count 3", "segment(", "((((((((", "unknown_trait >= 1", "orders_count >= 'abc'", ...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS).map((rule_text) => ({
      defect: "rule_text: does not parse / unknown trait",
      body: { handle: `fz-bad-${Math.random().toString(36).slice(2, 10)}`, name: "n", rule_text },
    })),
    fc.constantFrom({ op: "nope" }, { and: "x" }, { type: "compare", trait: "orders_count", op: "gte", value: { $gt: 1 } }).map((rule) => ({
      defect: "rule: invalid AST",
      body: { handle: `fz-ast-${Math.random().toString(36).slice(2, 10)}`, name: "n", rule },
    })),
    fc.integer({ min: 200, max: 12_000 }).map((d) => ({ defect: `rule: deep object (${d})`, rawBody: `{"handle":"fz-deep","name":"n","rule":${deepJson(d, "object")}}` })),
    fc.constantFrom("archived", "deleted", 1, null).map((status) => ({ defect: "status: invalid", body: { handle: "fz-st", name: "n", rule_text: "orders_count >= 1", status: required ? status : "bogus" } })),
    wrongValue.filter((v) => typeof v !== "boolean").map((is_public) => ({ defect: "is_public: wrong type", body: { handle: "fz-pub", name: "n", rule_text: "orders_count >= 1", is_public } })),
    fc.constantFrom("Personalization", "1abc", "x".repeat(65)).map((purpose) => ({ defect: "purpose: invalid", body: { handle: "fz-pur", name: "n", rule_text: "orders_count >= 1", purpose } })),
    unknownField({ handle: "fz-unk", name: "n", rule_text: "orders_count >= 1" }),
    ...(required ? [fc.constant({ defect: "rule/rule_text: missing", body: { handle: "fz-norule", name: "n" } })] : []),
    rawDefects
  )

const adminEventsBody = (ctx: FuzzContext) =>
  fc.tuple(fc.boolean(), validEventsBody("adm-"), pick(ctx.customerIds), pick(ctx.visitors)).map(([byCustomer, body, c, v]) =>
    byCustomer ? { customer_id: c, ...(body as object) } : { visitor_id: v, ...(body as object) }
  )

const adminEventsBad = (ctx: FuzzContext) =>
  fc.oneof(
    fc.constant({ defect: "customer_id and visitor_id both", body: { customer_id: ctx.customerIds[0], visitor_id: ctx.visitors[0], events: [{ id: "a", type: "page_viewed" }] } }),
    fc.constant({ defect: "neither customer_id nor visitor_id", body: { events: [{ id: "a", type: "page_viewed" }] } }),
    fc.constantFrom("short", "has space!", ...SQL_FRAGMENTS).map((visitor_id) => ({ defect: "visitor_id: invalid", body: { visitor_id, events: [{ id: "a", type: "page_viewed" }] } })),
    fc.constant({ defect: "customer_id: unknown (404)", body: { customer_id: "cus_does_not_exist", events: [{ id: "a", type: "page_viewed" }] } }),
    eventsBadBodies("adm").map((b) => ("body" in b && b.body && typeof b.body === "object" && !Array.isArray(b.body) ? { ...b, body: { visitor_id: ctx.visitors[0], ...(b.body as object) } } : b))
  )

const emptyBodyBad = fc.oneof(unknownField({}), rawDefects)


/** The known routes. Keep this in step with src/api: the suite fails if a known route disappears. */
export const ROUTES: RouteSpec[] = [
  // ---- store ------------------------------------------------------------------------------------------------
  { method: "POST", path: "/store/personalization/events", auth: "store", readOnly: false, subject: "required",
    body: (ctx) => validEventsBody(`fz${ctx.unique()}-`), badBodies: () => eventsBadBodies("st") },
  { method: "GET", path: "/store/personalization/consent", auth: "store", readOnly: true, subject: "optional", strictQuery: true, query: () => fc.constant({}) },
  { method: "POST", path: "/store/personalization/consent", auth: "store", readOnly: false, subject: "required",
    body: () => consentBody, badBodies: () => consentBadBodies },
  { method: "POST", path: "/store/personalization/identify", auth: "store-customer", readOnly: false, subject: "required",
    body: () => fc.constant({}), badBodies: () => emptyBodyBad },
  { method: "GET", path: "/store/personalization/me", auth: "store", readOnly: true, subject: "optional", strictQuery: true, query: () => fc.constant({}) },
  { method: "GET", path: "/store/personalization/me/data", auth: "store-customer", readOnly: true, strictQuery: true, query: () => fc.constant({}) },
  { method: "DELETE", path: "/store/personalization/me/data", auth: "store-customer", readOnly: false, destructive: true, strictQuery: true, query: () => fc.constant({}) },
  // ---- admin ------------------------------------------------------------------------------------------------
  { method: "GET", path: "/admin/personalization/segments", auth: "admin", readOnly: true, strictQuery: true,
    query: () =>
      fc.record(
        {
          limit: fc.integer({ min: 1, max: 100 }).map(String),
          offset: fc.integer({ min: 0, max: 1000 }).map(String),
          status: fc.constantFrom("draft", "active", "archived"),
          q: weirdString.filter((s) => s.length <= 200),
          order: fc.constantFrom("name", "-name", "handle", "-member_count", "created_at"),
        },
        { requiredKeys: [] }
      ) as fc.Arbitrary<Record<string, string>> },
  { method: "POST", path: "/admin/personalization/segments", auth: "admin", readOnly: false, body: segmentCreate, badBodies: () => segmentBadBodies(true) },
  { method: "GET", path: "/admin/personalization/segments/:id", auth: "admin", readOnly: true, params: { id: segmentId }, unknownIdIs404: ["id"] },
  { method: "POST", path: "/admin/personalization/segments/:id", auth: "admin", readOnly: false, params: { id: segmentId }, unknownIdIs404: ["id"],
    body: () =>
      fc.record(
        { description: fc.oneof(fc.constant(null), weirdString.filter((s) => !s.includes("\u0000"))), is_public: fc.boolean(), name: fc.constantFrom("Renamed", "Ünïcødé 😀", "<b>bold</b>") },
        { requiredKeys: [] }
      ),
    badBodies: () => segmentBadBodies(false) },
  { method: "DELETE", path: "/admin/personalization/segments/:id", auth: "admin", readOnly: false, destructive: true, params: { id: segmentId }, unknownIdIs404: ["id"] },
  { method: "POST", path: "/admin/personalization/segments/:id/archive", auth: "admin", readOnly: false, destructive: true, params: { id: segmentId }, unknownIdIs404: ["id"] },
  { method: "POST", path: "/admin/personalization/segments/:id/refresh", auth: "admin", readOnly: false, params: { id: segmentId }, unknownIdIs404: ["id"],
    body: () => fc.constant({}), badBodies: () => emptyBodyBad },
  { method: "GET", path: "/admin/personalization/segments/:id/members", auth: "admin", readOnly: true, params: { id: segmentId }, unknownIdIs404: ["id"],
    strictQuery: true, query: () => page(500) as fc.Arbitrary<Record<string, string>> },
  { method: "GET", path: "/admin/personalization/segments/:id/explain/:customer_id", auth: "admin", readOnly: true,
    params: { id: segmentId, customer_id: customerId }, unknownIdIs404: ["id", "customer_id"], strictQuery: true, query: () => fc.constant({}) },
  { method: "GET", path: "/admin/personalization/customers/:id/segments", auth: "admin", readOnly: true, params: { id: customerId }, unknownIdIs404: ["id"],
    strictQuery: true,
    query: () =>
      fc.record({ limit: fc.integer({ min: 1, max: 200 }).map(String), history: fc.constantFrom("all", "open", "closed") }, { requiredKeys: [] }) as fc.Arbitrary<Record<string, string>> },
  // Admin reads of personal data are audited (a row in personalization_audit_log): not read-only.
  { method: "GET", path: "/admin/personalization/customers/:id/profile", auth: "admin", readOnly: false, params: { id: customerId }, unknownIdIs404: ["id"], strictQuery: true, query: () => fc.constant({}) },
  { method: "DELETE", path: "/admin/personalization/customers/:id/profile", auth: "admin", readOnly: false, destructive: true, params: { id: customerId }, unknownIdIs404: ["id"], strictQuery: true, query: () => fc.constant({}) },
  { method: "GET", path: "/admin/personalization/customers/:id/consent", auth: "admin", readOnly: false, params: { id: customerId }, unknownIdIs404: ["id"], strictQuery: true, query: () => fc.constant({}) },
  { method: "POST", path: "/admin/personalization/events", auth: "admin", readOnly: false, body: adminEventsBody, badBodies: adminEventsBad },
  { method: "GET", path: "/admin/personalization/audit", auth: "admin", readOnly: true, strictQuery: true,
    query: () =>
      fc.record(
        {
          limit: fc.integer({ min: 1, max: 200 }).map(String),
          action: fc.constantFrom("segment.created", "profile.exported"),
          target_type: fc.constantFrom("segment", "customer"),
          target_id: weirdString.filter((s) => s.length >= 1 && s.length <= 200 && !s.includes("\u0000")),
          from: fc.constant("2026-01-01T00:00:00Z"),
        },
        { requiredKeys: [] }
      ) as fc.Arbitrary<Record<string, string>> },
  { method: "GET", path: "/admin/personalization/catalog", auth: "admin", readOnly: true, strictQuery: true, query: () => fc.constant({}) },
]

// ---- discovery --------------------------------------------------------------------------------------------------

export type DiscoveredRoute = { method: Method; path: string; file: string }

/** Every exported GET/POST/DELETE handler under src/api/{store,admin}/personalization, as Express paths. */
export function discoverRoutes(root = path.join(__dirname, "../../src/api")): DiscoveredRoute[] {
  const out: DiscoveredRoute[] = []
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      if (entry.isDirectory()) walk(full)
      else if (entry.name === "route.ts") {
        const rel = path.relative(root, path.dirname(full)).split(path.sep)
        if (!(rel[0] === "store" || rel[0] === "admin") || rel[1] !== "personalization") continue
        const urlPath = "/" + rel.map((seg) => seg.replace(/^\[(.+)\]$/, ":$1")).join("/")
        const text = fs.readFileSync(full, "utf8")
        for (const m of text.matchAll(/export\s+(?:const|async function|function)\s+(GET|POST|DELETE)\b/g)) {
          out.push({ method: m[1] as Method, path: urlPath, file: path.relative(path.join(root, "../.."), full) })
        }
      }
    }
  }
  walk(root)
  return out.sort((a, b) => `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`))
}

/** The specs to fuzz: the table's entries for discovered routes, plus a generic spec for each undiscovered one. */
export function routesToFuzz(): { specs: RouteSpec[]; generic: string[]; missing: string[] } {
  const found = discoverRoutes()
  const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`
  const known = new Map(ROUTES.map((r) => [key(r), r]))
  const foundKeys = new Set(found.map(key))
  const specs: RouteSpec[] = []
  const generic: string[] = []
  for (const r of found) {
    const spec = known.get(key(r))
    if (spec) specs.push(spec)
    else {
      generic.push(key(r))
      specs.push(genericSpec(r))
    }
  }
  const missing = ROUTES.map(key).filter((k) => !foundKeys.has(k))
  return { specs, generic, missing }
}

function genericSpec(r: DiscoveredRoute): RouteSpec {
  const params: Record<string, Gen<string>> = {}
  for (const m of r.path.matchAll(/:([A-Za-z_]+)/g)) {
    const name = m[1]
    params[name] = (ctx) =>
      /customer/.test(name) ? pick(ctx.customerIds) : /segment/.test(name) || name === "id" ? pick([...ctx.segmentIds, ...ctx.customerIds, "does_not_exist"]) : pick(["does_not_exist", "x1", ctx.segmentIds[0]])
  }
  const store = r.path.startsWith("/store")
  return {
    method: r.method,
    path: r.path,
    auth: store ? "store" : "admin",
    readOnly: false,
    subject: store ? "optional" : undefined,
    params,
    query: () => fc.dictionary(fc.constantFrom("limit", "offset", "q", "handle", "placement", "product_id", "fields"), fc.oneof(weirdString, fc.integer({ min: 0, max: 50 }).map(String)), { maxKeys: 2 }) as fc.Arbitrary<Record<string, string>>,
    body: r.method === "POST" ? () => fc.oneof(fc.constant({}), fc.dictionary(fc.string({ maxLength: 12 }), wrongValue, { maxKeys: 3 })) : undefined,
  }
}

// ---- request building -------------------------------------------------------------------------------------------

function fillPath(p: string, values: Record<string, string>) {
  return p.replace(/:([A-Za-z_]+)/g, (_, name) => encodeURIComponent(values[name] ?? "x"))
}

function qs(query: Record<string, string | string[]> | undefined) {
  if (!query) return ""
  const sp = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x)
  const s = sp.toString()
  return s ? `?${s}` : ""
}

function authHeaders(ctx: FuzzContext, spec: RouteSpec, who: { customer: number; visitor: number | null }): Record<string, string> {
  if (spec.auth === "admin") return { ...ctx.admin }
  const h: Record<string, string> = { "x-publishable-api-key": ctx.pk }
  const customer = ctx.customers[who.customer % (ctx.customers.length + 1)]
  if (spec.auth === "store-customer") h.authorization = ctx.customers[who.customer % ctx.customers.length].authorization
  else if (customer) h.authorization = customer.authorization
  if (spec.subject && who.visitor !== null) h["x-visitor-id"] = ctx.visitors[who.visitor % ctx.visitors.length]
  if (spec.auth === "store-customer" && spec.path.endsWith("/identify") && !h["x-visitor-id"]) h["x-visitor-id"] = ctx.visitors[0]
  return h
}

function paramsFor(ctx: FuzzContext, spec: RouteSpec): fc.Arbitrary<Record<string, string>> {
  const names = [...spec.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1])
  if (!names.length) return fc.constant({})
  return fc.record(Object.fromEntries(names.map((n) => [n, spec.params?.[n]?.(ctx) ?? pick(ctx.segmentIds)]))) as fc.Arbitrary<Record<string, string>>
}

/** A request the route should accept (or refuse for a legitimate reason, e.g. 404 after a delete): valid + boundary. */
export function validRequest(ctx: FuzzContext, spec: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const who = fc.record({ customer: fc.nat(5), visitor: fc.option(fc.nat(20), { nil: null, freq: 4 }) })
  return fc
    .tuple(
      paramsFor(ctx, spec),
      spec.query ? spec.query(ctx) : fc.constant(undefined),
      spec.body ? spec.body(ctx) : fc.constant(undefined),
      who
    )
    .map(([params, query, body, w]) => ({
      route: `${spec.method} ${spec.path}`,
      method: spec.method,
      url: fillPath(spec.path, params) + qs(query),
      headers: authHeaders(ctx, spec, w),
      body,
      defect: null,
    }))
}

const HOSTILE_IDS = ["does_not_exist", "psegm_00000000000000000000000000", "cus_00000000000000000000000000", ...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS, "😀", "a".repeat(300)]

/** Requests that carry a definite defect: the server must refuse each (4xx) and write nothing. */
export function hostileRequest(ctx: FuzzContext, spec: RouteSpec): fc.Arbitrary<FuzzRequest> {
  const base = validRequest(ctx, spec)
  const defects: fc.Arbitrary<(r: FuzzRequest) => FuzzRequest>[] = []
  const withHeaders = (defect: string, f: (h: Record<string, string>) => Record<string, string>) =>
    fc.constant((r: FuzzRequest) => ({ ...r, defect, headers: f({ ...r.headers }) }))
  if (spec.auth === "admin") {
    defects.push(
      withHeaders("admin: no credentials", () => ({})),
      withHeaders("admin: customer token", () => ({ authorization: ctx.customers[0].authorization })),
      withHeaders("admin: publishable key", () => ({ "x-publishable-api-key": ctx.pk })),
      withHeaders("admin: publishable key as bearer", () => ({ authorization: `Bearer ${ctx.pk}` })),
      withHeaders("admin: publishable key as basic", () => ({ authorization: `Basic ${Buffer.from(`${ctx.pk}:`).toString("base64")}` })),
      withHeaders("admin: expired token", () => ({ authorization: `Bearer ${ctx.tokens.expiredAdmin}` })),
      withHeaders("admin: forged token", () => ({ authorization: `Bearer ${ctx.tokens.forgedAdmin}` })),
      withHeaders("admin: alg none token", () => ({ authorization: `Bearer ${ctx.tokens.algNoneCustomer}` }))
    )
  } else {
    defects.push(
      withHeaders("store: no publishable key", (h) => (delete h["x-publishable-api-key"], h)),
      fc.constantFrom("pk_" + "0".repeat(64), "", "' OR 1=1", "<script>", "sk_" + "1".repeat(30)).map(
        (k) => (r: FuzzRequest) => ({ ...r, defect: "store: forged publishable key", headers: { ...r.headers, "x-publishable-api-key": k } })
      )
    )
    if (spec.auth === "store-customer") {
      defects.push(
        withHeaders("store: no customer token", (h) => (delete h.authorization, h)),
        withHeaders("store: expired customer token", (h) => ({ ...h, authorization: `Bearer ${ctx.tokens.expiredCustomer}` })),
        withHeaders("store: forged customer token", (h) => ({ ...h, authorization: `Bearer ${ctx.tokens.forgedCustomer}` })),
        withHeaders("store: alg none customer token", (h) => ({ ...h, authorization: `Bearer ${ctx.tokens.algNoneCustomer}` }))
      )
    }
    if (spec.subject) {
      defects.push(
        fc.constantFrom("short", "x".repeat(65), "has space", "é".repeat(10), ...SQL_FRAGMENTS, ...SCRIPT_FRAGMENTS.filter((s) => !/[\r\n]/.test(s))).map(
          (v) => (r: FuzzRequest) => ({ ...r, defect: "store: malformed x-visitor-id", headers: { ...r.headers, "x-visitor-id": v } })
        )
      )
    }
    if (spec.subject === "required" && spec.auth === "store") {
      defects.push(withHeaders("store: no subject", (h) => (delete h["x-visitor-id"], delete h.authorization, h)))
    }
  }
  if (spec.badBodies) {
    defects.push(spec.badBodies(ctx).map((b) => (r: FuzzRequest) => ({ ...r, defect: `body: ${b.defect}`, body: b.body, rawBody: b.rawBody })))
  }
  if (spec.strictQuery) {
    const paging = /\/(segments|members|audit)$/.test(spec.path)
    const badPaging = fc.tuple(fc.constantFrom("limit", "offset"), fc.constantFrom("-1", "abc", "NaN", "1.5", "1e400", "' OR 1=1", "<script>"))
    const badLimit = fc.constantFrom("0", "100000").map((v) => ["limit", v] as [string, string])
    const unknownKey = fc.tuple(fc.constantFrom("colour", "fields", "expand", "customer_id", "visitor_id"), fc.oneof(weirdString, fc.constant("1")))
    const pairs = paging ? fc.oneof(badPaging, badLimit, unknownKey) : unknownKey
    defects.push(
      pairs.map(([key, v]) => (r: FuzzRequest) => {
        const [pathPart, query = ""] = r.url.split("?")
        const sp = new URLSearchParams(query)
        sp.delete(key)
        sp.append(key, v)
        return { ...r, defect: `query: ${key}=${v.slice(0, 20)}`, url: `${pathPart}?${sp.toString()}` }
      })
    )
  }
  if (spec.unknownIdIs404?.length) {
    defects.push(
      fc.tuple(fc.constantFrom(...spec.unknownIdIs404), fc.constantFrom(...HOSTILE_IDS)).map(([name, id]) => (r: FuzzRequest) => {
        const names = [...spec.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => m[1])
        const segs = spec.path.split("/")
        const actual = r.url.split("?")[0].split("/")
        const out = segs.map((s, i) => (s === `:${name}` ? encodeURIComponent(id) : actual[i]))
        void names
        const q = r.url.includes("?") ? r.url.slice(r.url.indexOf("?")) : ""
        // a body defect-free request with an unknown id: the route must 404 (or 400), never act
        return { ...r, defect: `unknown ${name}`, url: out.join("/") + q }
      })
    )
  }
  return fc.tuple(base, fc.oneof(...defects)).map(([r, apply]) => apply(r))
}

export { printableId }
