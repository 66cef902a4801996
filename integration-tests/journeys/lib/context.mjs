// What every journey gets (`ctx`): the store's origin and publishable key, HTTP callers that never throw on a status
// (refused paths are asserted, not caught), a step runner that times and prints every step, assertions, read-only SQL
// on the store's Postgres for independent counts, and the demo store's region / products / shipping.
import pg from "pg"
import Medusa from "@medusajs/js-sdk"
import { expect, expectEqual, sleep } from "../../lib/store-harness.mjs"

export { expect, expectEqual, sleep }

/** A failed step (already printed and counted); the journey stops at it. */
export class StepFailed extends Error {}

let pool = null
/** Read-only SQL: every session of the pool starts with default_transaction_read_only = on. */
export function sqlClient(database) {
  pool ??= new pg.Pool({ ...database, max: 4, options: "-c default_transaction_read_only=on" })
  return async (query, params = []) => (await pool.query(query, params)).rows
}
export async function closeSql() {
  if (pool) await pool.end().catch(() => {})
  pool = null
}

async function call(origin, method, url, { body, headers = {} } = {}) {
  const res = await fetch(origin + url, {
    method,
    headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  let json = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = text
  }
  return { status: res.status, body: json, headers: res.headers }
}

/** Fails with the request and the answer when the status is not the expected one; returns the body. */
export function ok(res, what, status = 200) {
  const list = Array.isArray(status) ? status : [status]
  if (!list.includes(res.status)) throw new Error(`${what}: expected HTTP ${list.join("/")}, got ${res.status} ${JSON.stringify(res.body)}`)
  return res.body
}

/**
 * @param {{ name: string, origin: string, publishableKey: string, adminToken: string, database: object, demo: object,
 *           results: { passed: number, failed: number, steps: object[] } }} o
 */
export function createContext({ name, origin, publishableKey, adminToken, database, demo, results }) {
  const tag = `[journey ${name}]`
  let n = 0
  const log = (m) => console.log(`${tag} ${m}`)
  const started = Date.now()
  let seq = 0
  const ctx = {
    name,
    origin,
    publishableKey,
    demo,
    log,
    expect,
    expectEqual,
    ok,
    sleep,
    sql: sqlClient(database),
    /** A value unique to this run and journey (handles, codes, emails). */
    unique: (prefix = name) => `${prefix}-${started.toString(36)}-${(++seq).toString(36)}`,
    /** Admin route with the admin token; never throws on a status. */
    admin: (method, url, body) => call(origin, method, url, { body, headers: { authorization: `Bearer ${adminToken}` } }),
    /** Store route with the publishable key (+ a customer token / extra headers); never throws on a status. */
    store: (method, url, { body, headers = {}, token } = {}) =>
      call(origin, method, url, {
        body,
        headers: { "x-publishable-api-key": publishableKey, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      }),
    /** Any route, no key, no token (auth routes). */
    raw: (method, url, opts) => call(origin, method, url, opts),
    /** A js-sdk client of its own (its JWT kept in memory), with optional global headers (x-visitor-id). */
    sdk: (globalHeaders = {}) =>
      new Medusa({ baseUrl: origin, publishableKey, globalHeaders, auth: { type: "jwt", jwtTokenStorageMethod: "memory" }, logger: quietLogger }),
    /** Runs one numbered, timed step; a failure is printed, counted and stops the journey. */
    async step(title, fn) {
      const label = `${++n}. ${title}`
      const t = Date.now()
      const secs = () => `${((Date.now() - t) / 1000).toFixed(1)}s`
      try {
        const value = await fn()
        results.passed++
        results.steps.push({ journey: name, step: label, ok: true, ms: Date.now() - t })
        log(`PASS ${label} (${secs()})`)
        return value
      } catch (e) {
        results.failed++
        results.steps.push({ journey: name, step: label, ok: false, ms: Date.now() - t, error: e })
        log(`FAIL ${label} (${secs()}): ${e?.stack ?? e}`)
        throw new StepFailed(label)
      }
    },
    /** Polls `check` until it returns a truthy value; returns it (and how long it took, as `.ms` on objects). */
    async waitFor(check, what, { timeoutMs = 20_000, everyMs = 200 } = {}) {
      const t = Date.now()
      let last
      for (;;) {
        last = await check()
        if (last) return last
        if (Date.now() - t > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`)
        await sleep(everyMs)
      }
    },
  }
  return ctx
}

const quietLogger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {} }

/** The demo store as seeded: its region (and a country in it), products with a priced variant, shipping options. */
export async function loadDemo(origin, publishableKey) {
  const h = { headers: { "x-publishable-api-key": publishableKey } }
  const regions = ok(await call(origin, "GET", "/store/regions", h), "GET /store/regions").regions
  if (regions.length !== 1) throw new Error(`the demo store seeds one region, found ${regions.length}`)
  const region = regions[0]
  const products = ok(
    await call(origin, "GET", `/store/products?limit=100&region_id=${region.id}&fields=id,title,handle,*variants,*variants.calculated_price`, h),
    "GET /store/products"
  ).products
  return {
    region,
    regionId: region.id,
    countryCode: region.countries[0].iso_2,
    products,
    currency: region.currency_code,
  }
}
