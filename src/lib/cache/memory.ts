// In-process back end: a bounded LRU (lru-cache). One process only: without Redis, a second Medusa process
// would not see this one's invalidations (scale-out needs redisUrl; see ARCHITECTURE.md).
import { LRUCache } from "lru-cache"
import type { CacheRead, CacheSettings, MembershipCache } from "./types"

type Entry = { gen: number; ids: readonly string[] } | { tomb: number }

/** Distinct segment-id sets kept for sharing; past this many the table starts over (entries keep their arrays). */
const MAX_SHARED_SETS = 5_000

export class MemoryMembershipCache implements MembershipCache {
  readonly kind = "memory" as const
  private readonly lru: LRUCache<string, Entry>
  private generation = 1
  /** A logical clock: reads and invalidations take a tick each. */
  private clock = 0
  /**
   * Memory: most profiles share one of a few segment-id sets, so entries point at one frozen array per distinct
   * set instead of holding their own copies of the id strings (≈150 instead of ≈530 bytes per entry at 6 ids).
   */
  private readonly sets = new Map<string, readonly string[]>()

  private shared(ids: string[]): readonly string[] {
    const key = ids.join("\u0001")
    let set = this.sets.get(key)
    if (!set) {
      if (this.sets.size >= MAX_SHARED_SETS) this.sets.clear()
      set = Object.freeze([...ids])
      this.sets.set(key, set)
    }
    return set
  }

  constructor(private readonly settings: CacheSettings) {
    this.lru = new LRUCache<string, Entry>({ max: settings.maxEntries, ttl: settings.ttlMs, ttlAutopurge: false })
  }

  async get(profileIds: string[]): Promise<CacheRead> {
    const entries = new Map<string, string[]>()
    for (const id of profileIds) {
      const e = this.lru.get(id)
      if (e && !("tomb" in e) && e.gen === this.generation) entries.set(id, [...e.ids])
    }
    return { entries, generation: this.generation, readAt: String(++this.clock) }
  }

  async fill(read: CacheRead, entries: Array<[string, string[]]>): Promise<void> {
    if (read.generation !== this.generation) return
    const readAt = Number(read.readAt)
    for (const [id, ids] of entries) {
      const e = this.lru.get(id)
      if (e && "tomb" in e && e.tomb > readAt) continue // invalidated after this read began: may be stale
      this.lru.set(id, { gen: read.generation, ids: this.shared(ids) })
    }
  }

  async invalidate(profileIds: string[]): Promise<void> {
    const at = ++this.clock
    for (const id of profileIds) this.lru.set(id, { tomb: at }, { ttl: this.settings.tombstoneMs })
  }

  async bumpGeneration(): Promise<void> {
    this.generation++
  }

  private readonly runCounts = new Map<string, number>()

  async recordRun(job: string, minute: string): Promise<void> {
    const k = `${job}|${minute}`
    this.runCounts.set(k, (this.runCounts.get(k) ?? 0) + 1)
    if (this.runCounts.size > 1_000) this.runCounts.delete(this.runCounts.keys().next().value as string)
  }

  async runs(job: string, minute: string): Promise<number | null> {
    return this.runCounts.get(`${job}|${minute}`) ?? 0
  }

  healthy(): boolean {
    return true
  }

  async close(): Promise<void> {
    this.lru.clear()
  }

  /** Entries held (tests, bench). */
  size(): number {
    return this.lru.size
  }
}
