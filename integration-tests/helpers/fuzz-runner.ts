// Sending fuzz requests through the runner's in-process HTTP client, and the invariants every response must keep.
import { generateJwtToken } from "@medusajs/framework/utils"
import jwt from "jsonwebtoken"
import type { FuzzRequest } from "./fuzz-routes"
import { sql } from "../../src/lib/db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }
type Axios = { request: (config: any) => Promise<{ status: number; data: any; headers: Record<string, any> }> }

export type Sent = { req: FuzzRequest; status: number; contentType: string; text: string; json: any }

/** Network-level failures seen (and retried once): a keep-alive socket closed by the server as it was reused. */
export const networkRetries: string[] = []

export async function send(api: Axios, req: FuzzRequest): Promise<Sent> {
  try {
    return await sendOnce(api, req)
  } catch (e) {
    const code = (e as { code?: string }).code ?? (e as Error).message
    networkRetries.push(`${req.route} ${code}`)
    try {
      return await sendOnce(api, req)
    } catch (again) {
      const text = `network error: ${(again as { code?: string }).code ?? (again as Error).message}`
      return { req, status: 599, contentType: "application/json", text, json: { message: text } }
    }
  }
}

async function sendOnce(api: Axios, req: FuzzRequest): Promise<Sent> {
  const raw = req.rawBody !== undefined
  const headers: Record<string, string> = { ...req.headers }
  if (req.method !== "GET" && (raw || req.body !== undefined)) headers["content-type"] = "application/json"
  const res = await api.request({
    method: req.method,
    url: req.url,
    headers,
    data: raw ? req.rawBody : req.body,
    transformRequest: raw ? [(d: unknown) => d] : undefined,
    transformResponse: [(d: unknown) => d],
    responseType: "text",
    validateStatus: () => true,
    maxBodyLength: Infinity,
    maxContentLength: Infinity,
  })
  const text = typeof res.data === "string" ? res.data : String(res.data ?? "")
  let json: any = undefined
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { req, status: res.status, contentType: String(res.headers["content-type"] ?? ""), text, json }
}

const HEADER_NAMES = ["x-publishable-api-key", "x-visitor-id", "publishable", "authorization"]

/** Violations of the response invariants (empty when fine). */
export function responseViolations(s: Sent): string[] {
  const out: string[] = []
  const where = `${s.req.route} ${s.req.url.slice(0, 120)}${s.req.defect ? ` [${s.req.defect}]` : ""}`
  if (s.status >= 500) out.push(`5xx: ${where} → ${s.status} ${s.text.slice(0, 300)}`)
  if (s.text.length && !/^application\/json\b/.test(s.contentType)) {
    out.push(`non-JSON response: ${where} → ${s.status} ${s.contentType} ${s.text.slice(0, 120)}`)
  }
  if (s.text.length && s.json === undefined) out.push(`unparseable body: ${where} → ${s.status} ${s.text.slice(0, 120)}`)
  if (s.status >= 400 && s.status < 500) {
    const message = s.json?.message
    if (typeof message !== "string" || !message.trim()) out.push(`4xx without a message: ${where} → ${s.status} ${s.text.slice(0, 200)}`)
    else if (s.status === 400) {
      // "field.path: problem" (our validators), a header name (Medusa's publishable-key check), or the cause (JSON).
      const namesField = /^[^\n]{1,300}?: \S/.test(message) || HEADER_NAMES.some((h) => message.toLowerCase().includes(h))
      const namesCause = /\bJSON\b/.test(message)
      if (!namesField && !namesCause) out.push(`400 not naming a field or cause: ${where} → ${message.slice(0, 200)}`)
    } else if (s.status === 404 && !/not found|does not exist|doesn't exist/i.test(message)) {
      out.push(`404 not saying what was not found: ${where} → ${message.slice(0, 200)}`)
    } else if (s.status === 429 && !/rate limit/i.test(message)) out.push(`429 not naming the limit: ${where} → ${message}`)
  }
  return out
}

/** Row counts of every personalization table (minus tables fed only by scheduled jobs) and the customer-group tables. */
export async function rowCounts(container: Resolver, exclude: string[] = []): Promise<Record<string, number>> {
  const tables = (
    await sql<{ table_name: string }>(
      container,
      `SELECT table_name FROM information_schema.tables
        WHERE table_schema = current_schema() AND (table_name LIKE 'personalization\\_%' OR table_name IN ('customer_group', 'customer_group_customer'))
        ORDER BY table_name`
    )
  )
    .map((t) => t.table_name)
    .filter((t) => !exclude.includes(t))
  const [row] = await sql<Record<string, string>>(
    container,
    `SELECT ${tables.map((t) => `(SELECT count(*) FROM "${t}") AS "${t}"`).join(", ")}`
  )
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]))
}

export function diffCounts(a: Record<string, number>, b: Record<string, number>): string[] {
  return Object.keys({ ...a, ...b })
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k}: ${a[k]} → ${b[k]}`)
}

/** Runs `fn` over `items` with at most `n` in flight. */
export async function pool<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i])
      }
    })
  )
  return out
}

/** Tokens a client could present: expired and forged ones for the same actor, and an unsigned (alg none) one. */
export function hostileTokens(secret: string, customerId: string, userId: string) {
  const customer = { actor_id: customerId, actor_type: "customer", auth_identity_id: "authid_forged", app_metadata: { customer_id: customerId } }
  const user = { actor_id: userId, actor_type: "user", auth_identity_id: "authid_forged", app_metadata: { user_id: userId } }
  const past = Math.floor(Date.now() / 1000) - 3600
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url")
  return {
    expiredCustomer: jwt.sign({ ...customer, iat: past - 60, exp: past }, secret),
    forgedCustomer: generateJwtToken(customer, { secret: "not-the-server-secret", expiresIn: "1d" }),
    algNoneCustomer: `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...customer, exp: past + 86400 * 2 })}.`,
    expiredAdmin: jwt.sign({ ...user, iat: past - 60, exp: past }, secret),
    forgedAdmin: generateJwtToken(user, { secret: "not-the-server-secret", expiresIn: "1d" }),
  }
}
