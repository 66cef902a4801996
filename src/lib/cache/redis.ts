// Redis back end (ioredis). Keys, all under `mp:` and all with a TTL except the generation counter:
//   mp:v              the cache generation (INCR): entries stamped with an older one are misses
//   mp:m:<profile>    "<generation>|<segment id>,<segment id>…" (open memberships), or "!<redis time µs>" (a tombstone)
//   mp:runs:<job>:<minute>  runs of a scheduled job in that UTC minute (1 h TTL)
// A read is one pipelined round trip (TIME + MGET of generation and keys); a fill is one Lua call (atomic
// generation check, skips keys invalidated after the read began); an invalidation is one Lua call per 1000 keys. Commands fail fast while disconnected (no offline queue, short timeouts): the
// caller then reads Postgres. After any outage (or a failed invalidation) the generation is bumped before the
// cache is used again — an invalidation lost while Redis was away can never surface as a stale read.
import Redis from "ioredis"
import type { CacheRead, CacheSettings, MembershipCache } from "./types"

export const KEY_PREFIX = "mp:"
export const GENERATION_KEY = `${KEY_PREFIX}v`
export const entryKey = (profileId: string) => `${KEY_PREFIX}m:${profileId}`

// KEYS: generation key, entry keys…; ARGV: generation, read time (µs), ttl ms, values…
const FILL_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local readAt = tonumber(ARGV[2])
local n = 0
for i = 2, #KEYS do
  local cur = redis.call('GET', KEYS[i])
  if (not cur) or string.sub(cur, 1, 1) ~= '!' or tonumber(string.sub(cur, 2)) < readAt then
    redis.call('SET', KEYS[i], ARGV[1] .. '|' .. ARGV[i + 2], 'PX', ARGV[3])
    n = n + 1
  end
end
return n`

// KEYS: entry keys…; ARGV: tombstone ttl ms. Stamped with Redis' own clock, the same clock reads are timed by.
const INVALIDATE_SCRIPT = `
local t = redis.call('TIME')
local stamp = '!' .. t[1] .. string.format('%06d', tonumber(t[2]))
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], stamp, 'PX', ARGV[1])
end
return #KEYS`

const CHUNK = 1000

type Logger = { info(msg: string): void; warn(msg: string): void }
type WithFill = Redis & {
  mpFill(numKeys: number, ...args: (string | number)[]): Promise<number>
  mpInvalidate(numKeys: number, ...args: (string | number)[]): Promise<number>
}

export class RedisMembershipCache implements MembershipCache {
  readonly kind = "redis" as const
  private readonly client: WithFill
  private usable = false
  private revalidating: Promise<void> | null = null
  private closed = false
  private downLogged = false

  constructor(url: string, private readonly settings: CacheSettings, private readonly logger: Logger) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 500,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(250 * times, 2_000),
      connectionName: "medusa-personalization-cache",
    }) as WithFill
    this.client.defineCommand("mpFill", { lua: FILL_SCRIPT })
    this.client.defineCommand("mpInvalidate", { lua: INVALIDATE_SCRIPT })
    this.client.on("ready", () => this.revalidate())
    this.client.on("error", (e) => this.down(e))
    this.client.on("close", () => this.down())
  }

  private down(e?: Error) {
    this.usable = false
    if (!this.downLogged && !this.closed) {
      this.downLogged = true
      this.logger.warn(`personalization: membership cache (redis) unavailable${e ? `: ${e.message}` : ""}; reading Postgres until it is back`)
    }
    // Still connected (a command failed or timed out): move to a fresh generation before trusting the cache again.
    if (!this.closed && this.client?.status === "ready") void this.revalidate()
  }

  /** A fresh generation before any use: entries written before the outage (or missed invalidations) go stale. */
  private revalidate(): Promise<void> {
    if (this.revalidating || this.closed) return this.revalidating ?? Promise.resolve()
    this.usable = false
    this.revalidating = (async () => {
      for (let attempt = 0; !this.closed; attempt++) {
        try {
          await this.client.incr(GENERATION_KEY)
          this.usable = true
          if (this.downLogged) this.logger.info("personalization: membership cache (redis) is back; generation bumped, refilling from Postgres")
          this.downLogged = false
          return
        } catch {
          if (this.client.status !== "ready") return // the next 'ready' event starts over
          await new Promise((r) => setTimeout(r, Math.min(200 * (attempt + 1), 2_000)).unref?.())
        }
      }
    })().finally(() => {
      this.revalidating = null
    })
    return this.revalidating
  }

  /** Resolves once the cache is usable again (or after `timeoutMs`); for tests and start-up. */
  async whenUsable(timeoutMs = 5_000): Promise<boolean> {
    const until = Date.now() + timeoutMs
    while (!this.usable && Date.now() < until) await new Promise((r) => setTimeout(r, 25))
    return this.usable
  }

  healthy(): boolean {
    return this.usable && this.client.status === "ready"
  }

  async get(profileIds: string[]): Promise<CacheRead> {
    const entries = new Map<string, string[]>()
    const unusable: CacheRead = { entries, generation: null, readAt: "0" }
    if (!this.healthy()) return unusable
    try {
      const replies = await this.client.pipeline().time().mget(GENERATION_KEY, ...profileIds.map(entryKey)).exec()
      if (!replies || replies.some(([err]) => err)) throw replies?.find(([err]) => err)?.[0] ?? new Error("no reply")
      const [sec, usec] = replies[0][1] as [string, string]
      const values = replies[1][1] as (string | null)[]
      const generation = values[0] === null ? null : Number(values[0])
      if (generation === null || !Number.isFinite(generation)) return unusable
      const stamp = `${generation}|`
      profileIds.forEach((id, i) => {
        const v = values[i + 1]
        if (v && v.startsWith(stamp)) {
          const rest = v.slice(stamp.length)
          entries.set(id, rest ? rest.split(",") : [])
        }
      })
      return { entries, generation, readAt: `${sec}${usec.padStart(6, "0")}` }
    } catch (e) {
      this.down(e as Error)
      return { entries: new Map(), generation: null, readAt: "0" }
    }
  }

  async fill(read: CacheRead, list: Array<[string, string[]]>): Promise<void> {
    if (!list.length || read.generation === null || !this.healthy()) return
    try {
      for (let i = 0; i < list.length; i += CHUNK) {
        const chunk = list.slice(i, i + CHUNK)
        await this.client.mpFill(
          chunk.length + 1,
          GENERATION_KEY,
          ...chunk.map(([id]) => entryKey(id)),
          String(read.generation),
          read.readAt,
          this.settings.ttlMs,
          ...chunk.map(([, ids]) => ids.join(","))
        )
      }
    } catch (e) {
      this.down(e as Error)
    }
  }

  async invalidate(profileIds: string[]): Promise<void> {
    if (!profileIds.length) return
    try {
      for (let i = 0; i < profileIds.length; i += CHUNK) {
        const keys = profileIds.slice(i, i + CHUNK).map(entryKey)
        await this.client.mpInvalidate(keys.length, ...keys, this.settings.tombstoneMs)
      }
    } catch (e) {
      // The invalidation may not have landed: nothing cached may be trusted until the generation moves on.
      this.down(e as Error)
    }
  }

  async bumpGeneration(): Promise<void> {
    try {
      await this.client.incr(GENERATION_KEY)
    } catch (e) {
      this.down(e as Error)
    }
  }

  async recordRun(job: string, minute: string): Promise<void> {
    try {
      const key = `${KEY_PREFIX}runs:${job}:${minute}`
      await this.client.pipeline().incr(key).pexpire(key, 3_600_000).exec()
    } catch {
      // observability only
    }
  }

  async runs(job: string, minute: string): Promise<number | null> {
    try {
      return Number((await this.client.get(`${KEY_PREFIX}runs:${job}:${minute}`)) ?? 0)
    } catch {
      return null
    }
  }

  async close(): Promise<void> {
    this.closed = true
    this.usable = false
    try {
      await this.client.quit()
    } catch {
      this.client.disconnect()
    }
  }
}
