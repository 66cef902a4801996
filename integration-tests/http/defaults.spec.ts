// Issue #21.5: safe defaults. The dev/test host signs tokens with a random secret per install (never "supersecret"),
// the rate limiter trusts no proxy unless told (proxyHops 0: X-Forwarded-For cannot choose a client's bucket), and
// consent and identify are rate-limited like events. Each refusal is first shown on its allowed path.
import fs from "fs"
import os from "os"
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { ContainerRegistrationKeys, generateJwtToken } from "@medusajs/framework/utils"
import { adminHeaders, customerHeaders, publishableKey } from "../helpers/auth"
import { count, visitorId } from "../helpers/privacy"
import { parsePluginOptions } from "../../src/modules/personalization/options"

jest.setTimeout(240_000)

const ROOT = path.join(__dirname, "../..")
const EVENTS = "/store/personalization/events"
const CONSENT = "/store/personalization/consent"
const IDENTIFY = "/store/personalization/identify"
// Small buckets so the limits are reachable whatever the machine's speed; proxyHops left out: the default is tested.
const LIMITS = { subject: { perSecond: 2, burst: 2 }, ip: { perSecond: 2, burst: 5 } }

// The runner loads medusa-config.ts before it applies its `env` option (see faults.spec.ts).
process.env.MP_RATE_LIMIT = JSON.stringify(LIMITS)
afterAll(() => {
  delete process.env.MP_RATE_LIMIT
})

/** medusa-config.ts as a fresh install in `cwd` would load it (its own module instance, that working directory). */
function loadConfigIn(cwd: string, env: Record<string, string> = {}) {
  const saved = { cwd: process.cwd(), JWT_SECRET: process.env.JWT_SECRET, COOKIE_SECRET: process.env.COOKIE_SECRET }
  delete process.env.JWT_SECRET
  delete process.env.COOKIE_SECRET
  Object.assign(process.env, env)
  // an install: the config names the plugin as ./src/modules/personalization
  if (!fs.existsSync(path.join(cwd, "src"))) fs.symlinkSync(path.join(ROOT, "src"), path.join(cwd, "src"))
  process.chdir(cwd)
  try {
    let config: { projectConfig: { http: { jwtSecret: string; cookieSecret: string } } } | undefined
    jest.isolateModules(() => {
      config = require(path.join(ROOT, "medusa-config.ts"))
    })
    return config!.projectConfig.http
  } finally {
    process.chdir(saved.cwd)
    for (const k of ["JWT_SECRET", "COOKIE_SECRET"] as const) {
      if (saved[k] === undefined) delete process.env[k]
      else process.env[k] = saved[k]
    }
  }
}

medusaIntegrationTestRunner({
  medusaConfigFile: ROOT,
  testSuite: ({ api, getContainer }) => {
    const ok = { validateStatus: () => true }
    let pk: string

    beforeAll(async () => {
      pk = await publishableKey(getContainer())
    })

    it("the host's jwtSecret and cookieSecret are random per install, kept in .dev-data/secrets.json (0600); 'supersecret' signs nothing", async () => {
      const http = getContainer().resolve(ContainerRegistrationKeys.CONFIG_MODULE).projectConfig.http as { jwtSecret: string; cookieSecret: string }
      if (!process.env.JWT_SECRET) {
        expect(http.jwtSecret).not.toBe("supersecret")
        expect(http.jwtSecret.length).toBeGreaterThanOrEqual(43) // 32 random bytes, base64url
        expect(http.cookieSecret.length).toBeGreaterThanOrEqual(43)
        expect(http.cookieSecret).not.toBe(http.jwtSecret)
        const file = path.join(ROOT, ".dev-data/secrets.json")
        expect(JSON.parse(fs.readFileSync(file, "utf8"))).toEqual({ jwtSecret: http.jwtSecret, cookieSecret: http.cookieSecret })
        expect(fs.statSync(file).mode & 0o777).toBe(0o600)
      }

      // Allowed: a token signed with the server's secret. Refused: the same claims signed with the old default.
      const { headers, user } = await adminHeaders(getContainer())
      expect((await api.get("/admin/personalization/segments", { headers, ...ok })).status).toBe(200)
      const claims = { actor_id: user.id, actor_type: "user", auth_identity_id: "authid_forged", app_metadata: { user_id: user.id } }
      const forged = generateJwtToken(claims, { secret: "supersecret", expiresIn: "1d" })
      const refused = await api.get("/admin/personalization/segments", { headers: { authorization: `Bearer ${forged}` }, ...ok })
      expect(refused.status).toBe(401)

      // Per install: the same directory keeps its pair, another directory gets another; set secrets win, no file.
      const a = fs.mkdtempSync(path.join(os.tmpdir(), "mp-secrets-a-"))
      const b = fs.mkdtempSync(path.join(os.tmpdir(), "mp-secrets-b-"))
      const c = fs.mkdtempSync(path.join(os.tmpdir(), "mp-secrets-c-"))
      try {
        const first = loadConfigIn(a)
        expect(first.jwtSecret).toMatch(/^[A-Za-z0-9_-]{43}$/)
        expect(loadConfigIn(a)).toEqual(first)
        expect(fs.statSync(path.join(a, ".dev-data/secrets.json")).mode & 0o777).toBe(0o600)
        const other = loadConfigIn(b)
        expect(other.jwtSecret).not.toBe(first.jwtSecret)
        expect(other.cookieSecret).not.toBe(first.cookieSecret)
        expect(loadConfigIn(c, { JWT_SECRET: "from-env-jwt", COOKIE_SECRET: "from-env-cookie" })).toMatchObject({
          jwtSecret: "from-env-jwt",
          cookieSecret: "from-env-cookie",
        })
        expect(fs.existsSync(path.join(c, ".dev-data"))).toBe(false)
      } finally {
        for (const d of [a, b, c]) fs.rmSync(d, { recursive: true, force: true })
      }
    })

    it("proxyHops defaults to 0: rotating X-Forwarded-For does not give a client fresh per-IP buckets", async () => {
      expect(parsePluginOptions({}).rateLimit.proxyHops).toBe(0)
      expect(parsePluginOptions({ rateLimit: { proxyHops: 1 } }).rateLimit.proxyHops).toBe(1)
      // 30 new visitors at once, each claiming another address: one client address (the socket's), whose bucket
      // (2 per second + 5) refuses most of them. Trusting the header, each would have had a bucket of its own.
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          api.post(
            EVENTS,
            { events: [{ id: `xff-${i}`, type: "page_viewed" }] },
            { headers: { "x-publishable-api-key": pk, "x-visitor-id": visitorId(`xff${i}`), "x-forwarded-for": `10.9.${i >> 8}.${i & 255}` }, ...ok }
          )
        )
      )
      const statuses = answers.map((a) => a.status)
      expect(statuses.every((s) => s === 202 || s === 429)).toBe(true)
      expect(statuses.filter((s) => s === 202).length).toBeGreaterThan(0)
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10)
      expect(answers.find((a) => a.status === 429)!.data.message).toMatch(/^rate limit: too many events requests from this client address/)
    })

    it("consent and identify are rate-limited per subject and per address; refused calls write nothing; other subjects unaffected", async () => {
      await new Promise((r) => setTimeout(r, 1_100)) // the previous test's second
      // One visitor, 8 consent calls at once: 2 per second + a burst of 2 → the rest are 429 naming the limit (the
      // address's bucket, 2 + 5, may refuse the last ones too).
      const vid = visitorId("consent-burst")
      const h = { "x-publishable-api-key": pk, "x-visitor-id": vid }
      const burst = await Promise.all(
        Array.from({ length: 8 }, () => api.post(CONSENT, { purposes: { personalization: "granted" } }, { headers: h, ...ok }))
      )
      const bs = burst.map((r) => r.status)
      expect(bs.every((s) => s === 200 || s === 429)).toBe(true)
      expect(bs.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1)
      expect(bs.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2)
      const limited = burst.find((r) => r.status === 429 && /visitor or customer/.test(r.data.message))!
      expect(limited.data.message).toMatch(/^rate limit: too many consent requests from this visitor or customer; retry after \d+ s/)
      expect(Number(limited.headers["retry-after"])).toBeGreaterThanOrEqual(1)
      // another visitor is not charged (once the address has a token again)
      await new Promise((r) => setTimeout(r, 1_100))
      const other = await api.post(CONSENT, { purposes: { personalization: "granted" } }, { headers: { ...h, "x-visitor-id": visitorId("consent-other") }, ...ok })
      expect(other.status).toBe(200)

      // Many new visitors from one address: the address's bucket bounds how many profiles appear.
      await new Promise((r) => setTimeout(r, 1_100))
      const profilesBefore = await count(getContainer(), "personalization_customer_profile")
      const flood = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          api.post(CONSENT, { purposes: { personalization: "granted" } }, { headers: { ...h, "x-visitor-id": visitorId(`flood${i}`) }, ...ok })
        )
      )
      const fs_ = flood.map((r) => r.status)
      expect(fs_.every((s) => s === 200 || s === 429)).toBe(true)
      expect(fs_.filter((s) => s === 429).length).toBeGreaterThan(0)
      expect(flood.find((r) => r.status === 429)!.data.message).toMatch(/^rate limit: too many consent requests from this client address/)
      expect(await count(getContainer(), "personalization_customer_profile")).toBe(profilesBefore + fs_.filter((s) => s === 200).length)

      // identify: one customer, 8 calls at once.
      const { headers: customer } = await customerHeaders(getContainer(), `identify-limit-${Date.now()}@defaults.example`)
      const ids = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          api.post(IDENTIFY, {}, { headers: { "x-publishable-api-key": pk, ...customer, "x-visitor-id": visitorId(`idv${i}`) }, ...ok })
        )
      )
      const is = ids.map((r) => r.status)
      expect(is.every((s) => s === 200 || s === 429)).toBe(true)
      expect(is.filter((s) => s === 200).length).toBeGreaterThanOrEqual(1)
      expect(is.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2)
      expect(ids.find((r) => r.status === 429 && /visitor or customer/.test(r.data.message))?.data.message).toMatch(
        /^rate limit: too many identify requests from this visitor or customer/
      )
    })
  },
})
