// Issue #9, hot path: the store's membership reads go through the membership cache (lib/cache), every write path
// invalidates it, and Postgres stays the truth. Without REDIS_URL the cache is the in-process LRU; with REDIS_URL
// (the CI Redis leg) the suite also starts a private redis-server for the cache alone (MP_CACHE_REDIS_URL, see
// medusa-config.ts), so it can stop it mid-suite without touching the event bus / workflow engine's Redis.
import path from "path"
import net from "net"
import os from "os"
import fs from "fs"
import { spawn, spawnSync, type ChildProcess } from "child_process"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import Redis from "ioredis"
import { adminHeaders, publishableKey } from "../helpers/auth"
import { productViews, visitorId } from "../helpers/privacy"
import { waitFor } from "../helpers/storefront"
import { sql } from "../../src/lib/db/raw-sql"
import { membershipCacheStats, segmentIdsOf, subjectSegments } from "../../src/lib/cache"

jest.setTimeout(240_000)

const ME = "/store/personalization/me"
const EVENTS = "/store/personalization/events"
const CONSENT = "/store/personalization/consent"

const withRedis = !!process.env.REDIS_URL

// --- a private redis-server for the cache (Redis variant only) ------------------------------------------------
const cacheRedis = { port: 0, dir: "", proc: null as ChildProcess | null }

function freePortSync(): number {
  const out = spawnSync(process.execPath, [
    "-e",
    'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})',
  ])
  return Number(String(out.stdout).trim())
}

async function startCacheRedis() {
  cacheRedis.proc = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--port", String(cacheRedis.port), "--save", "", "--appendonly", "no", "--dir", cacheRedis.dir],
    { stdio: "ignore" }
  )
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect(cacheRedis.port, "127.0.0.1", () => (s.end(), resolve(true)))
      s.on("error", () => resolve(false))
    })
    if (up) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error("cache redis-server did not start")
}

async function stopCacheRedis() {
  const p = cacheRedis.proc
  cacheRedis.proc = null
  if (!p || p.exitCode !== null) return
  const gone = new Promise((r) => p.once("exit", r))
  p.kill("SIGTERM")
  await gone
}

if (withRedis) {
  cacheRedis.port = freePortSync()
  cacheRedis.dir = fs.mkdtempSync(path.join(os.tmpdir(), "mp-cache-redis-"))
  process.env.MP_CACHE_REDIS_URL = `redis://127.0.0.1:${cacheRedis.port}`
}

beforeAll(async () => {
  if (withRedis) await startCacheRedis()
})
afterAll(async () => {
  if (withRedis) {
    await stopCacheRedis()
    fs.rmSync(cacheRedis.dir, { recursive: true, force: true })
  }
})

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let admin: Record<string, string>
    let pk: string
    const ok = { validateStatus: () => true }

    beforeAll(async () => {
      pk = await publishableKey(getContainer())
      admin = (await adminHeaders(getContainer())).headers
    })

    const asVisitor = (vid: string) => ({ "x-publishable-api-key": pk, "x-visitor-id": vid })
    const get = (url: string, headers: Record<string, string>) => api.get(url, { headers, ...ok })
    const post = (url: string, body: unknown, headers: Record<string, string>) => api.post(url, body, { headers, ...ok })
    const me = async (h: Record<string, string>) => {
      const res = await get(ME, h)
      expect(res.status).toBe(200)
      return res.data.segments as { handle: string; name: string }[]
    }

    async function segment(handle: string, rule_text: string, extra: Record<string, unknown> = {}) {
      const res = await api.post(
        "/admin/personalization/segments",
        { handle, name: handle, rule_text, status: "active", is_public: true, ...extra },
        { headers: admin }
      )
      return res.data.segment as { id: string }
    }

    const profileOf = async (vid: string) =>
      (await sql<{ id: string }>(getContainer(), `SELECT id FROM personalization_customer_profile WHERE visitor_id = $1`, [vid]))[0]
    const isMember = async (segmentId: string, profileId: string) =>
      (
        await sql(
          getContainer(),
          `SELECT 1 FROM personalization_segment_membership
            WHERE segment_id = $1 AND profile_id = $2 AND exited_at IS NULL AND deleted_at IS NULL`,
          [segmentId, profileId]
        )
      ).length > 0

    async function consentingVisitor(tag: string) {
      const vid = visitorId(tag)
      const h = asVisitor(vid)
      expect((await post(CONSENT, { purposes: { personalization: "granted" } }, h)).status).toBe(200)
      return { vid, h, profileId: (await profileOf(vid)).id }
    }

    it("me is served from the cache; pipeline, batch-refresh and segment writes invalidate it; Postgres stays the truth", async () => {
      const sofas = await segment("sofa-lookers", "event('product_viewed', category = 'sofas').count(last 24h) >= 2")
      await segment("hidden-sofas", "event('product_viewed', category = 'sofas').count(last 24h) >= 1", { is_public: false })
      const { h, profileId } = await consentingVisitor("cache")
      const stats = () => membershipCacheStats(getContainer())
      expect(stats().kind).toBe(withRedis ? "redis" : "memory")

      // Not a member yet: the empty answer is cached too.
      expect(await me(h)).toEqual([])

      // Real-time pipeline (tracked events → evaluate → membership write) must invalidate the cached [].
      expect((await post(EVENTS, { events: productViews(2, "sofas") }, h)).status).toBe(202)
      await waitFor(() => isMember(sofas.id, profileId), "pipeline entry")
      await waitFor(async () => (await me(h)).length === 1, "me after the pipeline wrote")
      expect(await me(h)).toEqual([{ handle: "sofa-lookers", name: "sofa-lookers" }]) // the private segment is not shown

      // Repeated reads are hits, not Postgres rebuilds.
      const before = stats()
      await me(h)
      await me(h)
      const after = stats()
      expect(after.hits - before.hits).toBe(2)
      expect(after.misses).toBe(before.misses)

      // Proof that the route does not read memberships from SQL: a change made behind the plugin's back (no write
      // path, so no invalidation) is not seen...
      await sql(getContainer(), `UPDATE personalization_segment_membership SET exited_at = now() WHERE profile_id = $1`, [profileId])
      expect(await me(h)).toEqual([{ handle: "sofa-lookers", name: "sofa-lookers" }])

      // ...until a segment write moves the cache generation: then the answer is rebuilt from Postgres.
      const renamed = await api.post(`/admin/personalization/segments/${sofas.id}`, { name: "Sofa lookers" }, { headers: admin })
      expect(renamed.status).toBe(200)
      expect(await me(h)).toEqual([])

      // Batch refresh re-enters the visitor (events still match) and invalidates the profiles it changed.
      const refreshed = await api.post(`/admin/personalization/segments/${sofas.id}/refresh`, {}, { headers: admin })
      expect(refreshed.status).toBe(200)
      expect(await isMember(sofas.id, profileId)).toBe(true)
      expect(await me(h)).toEqual([{ handle: "sofa-lookers", name: "Sofa lookers" }])

      // Archiving hides the segment at once.
      await api.post(`/admin/personalization/segments/${sofas.id}`, { status: "archived" }, { headers: admin })
      expect(await me(h)).toEqual([])
    })

    it("segmentIdsOf (for sections, offers, recommendations) applies the consent gate and never mixes subjects", async () => {
      const seg = await segment("lamp-lookers", "event('product_viewed', category = 'lamps').count(last 24h) >= 1")
      const a = await consentingVisitor("ids-a")
      const b = await consentingVisitor("ids-b")
      await post(EVENTS, { events: productViews(1, "lamps") }, a.h)
      await waitFor(() => isMember(seg.id, a.profileId), "a enters")

      const container = getContainer()
      // Warm both, in either order: each subject gets only its own answer.
      expect(await segmentIdsOf(container, { kind: "visitor", visitor_id: b.vid })).toEqual([])
      expect(await segmentIdsOf(container, { kind: "visitor", visitor_id: a.vid })).toEqual([seg.id])
      expect(await segmentIdsOf(container, { kind: "visitor", visitor_id: b.vid })).toEqual([])
      expect(await segmentIdsOf(container, { kind: "none" })).toEqual([])
      expect(await segmentIdsOf(container, { kind: "visitor", visitor_id: visitorId("nobody") })).toEqual([])

      // Withdrawing consent: nothing is served, whatever the cache holds.
      expect((await post(CONSENT, { purposes: { personalization: "withdrawn" } }, a.h)).status).toBe(200)
      const after = await subjectSegments(container, { kind: "visitor", visitor_id: a.vid })
      expect(after.served).toBe(false)
      expect(after.segments).toEqual([])
      expect(await me(a.h)).toEqual([])
    })

    if (withRedis) {
      it("Redis: keys namespaced and TTL'd; Redis stopped → Postgres answers, no 5xx; Redis back → rebuilt and used again", async () => {
        const seg = await segment("chair-lookers", "event('product_viewed', category = 'chairs').count(last 24h) >= 1")
        const v = await consentingVisitor("redis")
        await post(EVENTS, { events: productViews(1, "chairs") }, v.h)
        await waitFor(() => isMember(seg.id, v.profileId), "entry")
        await waitFor(async () => (await me(v.h)).length === 1, "me shows the segment")

        const r = new Redis(process.env.MP_CACHE_REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 })
        await r.connect()
        const key = `mp:m:${v.profileId}`
        const generation = await r.get("mp:v")
        expect(await r.get(key)).toBe(`${generation}|${seg.id}`)
        const ttl = await r.pttl(key)
        expect(ttl).toBeGreaterThan(0)
        expect(ttl).toBeLessThanOrEqual(15 * 60_000)
        // Everything the cache wrote is under mp: and expires (the generation counter aside); the only other keys
        // in this Redis are the rate limiter's (personalization:rl:, issue #10), which shares redisUrl.
        const all = await r.keys("*")
        expect(all.filter((k) => !k.startsWith("mp:") && !k.startsWith("personalization:rl:"))).toEqual([])
        for (const k of all.filter((k) => k.startsWith("mp:") && k !== "mp:v")) expect(await r.pttl(k)).toBeGreaterThan(0)
        r.disconnect()

        // Redis goes away mid-traffic.
        await stopCacheRedis()
        await waitFor(async () => !membershipCacheStats(getContainer()).healthy, "cache notices the outage", 30_000)
        const fallbacks = membershipCacheStats(getContainer()).fallbacks
        const statuses: number[] = []
        for (let i = 0; i < 5; i++) statuses.push((await get(ME, v.h)).status)
        expect(statuses).toEqual([200, 200, 200, 200, 200])
        expect(membershipCacheStats(getContainer()).fallbacks).toBeGreaterThan(fallbacks)

        // A membership change while Redis is down is seen (read from Postgres), and survives Redis' return.
        const second = await segment("chair-fans", "event('product_viewed', category = 'chairs').count(last 24h) >= 2")
        await post(EVENTS, { events: productViews(1, "chairs", "more") }, v.h)
        await waitFor(() => isMember(second.id, v.profileId), "second entry during the outage")
        expect((await me(v.h)).map((s) => s.handle)).toEqual(["chair-fans", "chair-lookers"])

        await startCacheRedis()
        await waitFor(async () => membershipCacheStats(getContainer()).healthy, "cache back", 30_000)
        const hits = membershipCacheStats(getContainer()).hits
        expect((await me(v.h)).map((s) => s.handle)).toEqual(["chair-fans", "chair-lookers"]) // refill
        expect((await me(v.h)).map((s) => s.handle)).toEqual(["chair-fans", "chair-lookers"]) // hit
        expect(membershipCacheStats(getContainer()).hits).toBeGreaterThan(hits)
        const r2 = new Redis(process.env.MP_CACHE_REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 })
        await r2.connect()
        expect(Number(await r2.get("mp:v"))).toBeGreaterThanOrEqual(1)
        expect((await r2.get(key))?.split("|")[1].split(",").sort()).toEqual([seg.id, second.id].sort())
        r2.disconnect()
      })
    }
  },
})
