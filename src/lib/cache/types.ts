// The membership cache: each profile's open segment ids, in Redis (with redisUrl) or a bounded in-process LRU.
// Postgres stays the source of truth; this is only a read-through copy for the store's hot path.
//
// Correctness rests on three rules, the same for both back ends:
// - Every entry is stamped with the cache *generation* it was read under. Bumping the generation (a segment was
//   created/changed/deleted, or Redis came back after an outage) makes every older entry a miss at once.
// - A membership write *invalidates* the profile after its transaction committed: the key becomes a tombstone
//   stamped with the invalidation time, and a fill is refused when its read started before that time. So a reader
//   that read Postgres just before the commit cannot put the old answer back, while readers that started after
//   the invalidation refill at once.
// - Any back-end failure reads as a miss and writes as a no-op: callers fall back to Postgres, never to an error.

export type CacheKind = "redis" | "memory"

/**
 * A cache read: the entries found, the generation to stamp fills with (null: cache unusable, read Postgres and do
 * not fill), and when the read started (the back end's clock; fills racing a later invalidation are refused).
 */
export type CacheRead = { entries: Map<string, string[]>; generation: number | null; readAt: string }

export interface MembershipCache {
  readonly kind: CacheKind
  /** Open segment ids per profile id, for the profiles that have a valid entry; absent = miss. Never throws. */
  get(profileIds: string[]): Promise<CacheRead>
  /** Stores what was read from Postgres after `read`; a profile invalidated since `read.readAt` is skipped. Never throws. */
  fill(read: CacheRead, entries: Array<[profileId: string, segmentIds: string[]]>): Promise<void>
  /** Drops the profiles' entries (after their membership changed, post-commit). Pipelined. Never throws. */
  invalidate(profileIds: string[]): Promise<void>
  /** Makes every entry stale (segment catalogue changed). Never throws. */
  bumpGeneration(): Promise<void>
  /**
   * Counts one run of a scheduled job in `minute` (YYYY-MM-DDTHH:MM, UTC): shared across processes with Redis,
   * so operators (and the scale-out test) can see a minute job ran once across instances. Never throws.
   */
  recordRun(job: string, minute: string): Promise<void>
  /** Runs counted for `job` in `minute` (null when the back end is unreachable). */
  runs(job: string, minute: string): Promise<number | null>
  /** True when reads may be served from the cache (Redis connected and its namespace re-validated). */
  healthy(): boolean
  close(): Promise<void>
}

export type CacheSettings = {
  /** Entry lifetime; bounds the damage of a write path that forgot to invalidate. */
  ttlMs: number
  /** How long an invalidated key remembers when it was invalidated (longer than any Postgres read). */
  tombstoneMs: number
  /** In-process LRU bound (entries). */
  maxEntries: number
}

export const DEFAULT_CACHE_SETTINGS: CacheSettings = { ttlMs: 15 * 60_000, tombstoneMs: 60_000, maxEntries: 20_000 }
