// The store's membership reads, cache-through: subject → profile (Postgres, always fresh: consent and merges
// decide what may be served) → open segment ids (cache, filled from Postgres on a miss) → active segments
// (an in-process catalogue, reloaded whenever the cache generation moves). When the cache is unusable (Redis
// down), the same answer comes straight from Postgres. Writers call invalidateMemberships after their commit
// and segmentCatalogChanged after a segment write.
//
// For other store routes (sections, offers, recommendations): `segmentIdsOf(req.scope, subjectOf(req))`.
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { sql } from "../db/raw-sql"
import { consentGranted, findProfile, type ProfileRow } from "../privacy/profiles"
import type { StoreSubject } from "../privacy/subject"
import { MemoryMembershipCache } from "./memory"
import { RedisMembershipCache } from "./redis"
import { DEFAULT_CACHE_SETTINGS, type CacheSettings, type MembershipCache } from "./types"

export type { MembershipCache, CacheKind, CacheRead } from "./types"
export { MemoryMembershipCache } from "./memory"
export { RedisMembershipCache } from "./redis"

type Resolver = { resolve<T = unknown>(key: string): T }

/** An active segment as the store sees it. */
export type ActiveSegment = { id: string; handle: string; name: string; is_public: boolean; purpose: string }

export type SubjectSegments = {
  /** The subject's live profile (null: none yet, or a retired visitor id). */
  profile: ProfileRow | null
  /** False when nothing may be personalized (no profile, or `personalization` consent required and not granted). */
  served: boolean
  /** Active segments the subject is in (empty unless served), ordered by handle. */
  segments: ActiveSegment[]
}

export type CacheStats = { hits: number; misses: number; fallbacks: number; invalidations: number; catalogLoads: number }

// One cache per module instance (= per process), kept on the module service so every copy of this file (a test's
// import, the app's routes and workflows, source or built code) finds the same one.
type Slot = { key: string; cache: MembershipCache; stats: CacheStats; catalog: { generation: number; load: Promise<Map<string, ActiveSegment>> } | null }
const SLOT = "__medusaPersonalizationMembershipCache"
type Holder = { [SLOT]?: Slot }

function settingsOf(options: ReturnType<PersonalizationModuleService["getOptions"]>): CacheSettings {
  const c = (options as { cache?: { ttlSeconds?: number; maxEntries?: number } }).cache ?? {}
  return {
    ...DEFAULT_CACHE_SETTINGS,
    ttlMs: (c.ttlSeconds ?? DEFAULT_CACHE_SETTINGS.ttlMs / 1000) * 1000,
    maxEntries: c.maxEntries ?? DEFAULT_CACHE_SETTINGS.maxEntries,
  }
}

function slotOf(container: Resolver): Slot {
  const service = container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)
  const options = service.getOptions()
  const settings = settingsOf(options)
  const key = `${options.redisUrl ?? "memory"}|${settings.ttlMs}|${settings.maxEntries}`
  const holder = service as unknown as Holder
  const existing = holder[SLOT]
  if (existing && existing.key === key) return existing
  if (existing) void existing.cache.close()
  const logger = container.resolve<{ info(m: string): void; warn(m: string): void }>(ContainerRegistrationKeys.LOGGER)
  const cache: MembershipCache = options.redisUrl
    ? new RedisMembershipCache(options.redisUrl, settings, logger)
    : new MemoryMembershipCache(settings)
  const slot: Slot = { key, cache, stats: { hits: 0, misses: 0, fallbacks: 0, invalidations: 0, catalogLoads: 0 }, catalog: null }
  Object.defineProperty(holder, SLOT, { value: slot, enumerable: false, configurable: true, writable: true })
  return slot
}

/** This process's membership cache (created on first use from the plugin options). */
export function membershipCache(container: Resolver): MembershipCache {
  return slotOf(container).cache
}

/** Counters since the process started (tests and the benchmark). */
export function membershipCacheStats(container: Resolver): CacheStats & { kind: string; healthy: boolean } {
  const slot = slotOf(container)
  return { ...slot.stats, kind: slot.cache.kind, healthy: slot.cache.healthy() }
}

/** Call after a membership write committed (pipeline, batch refresh, privacy paths). Never throws. */
export async function invalidateMemberships(container: Resolver, profileIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(profileIds)].filter(Boolean)
  if (!ids.length) return
  try {
    const slot = slotOf(container)
    slot.stats.invalidations += ids.length
    await slot.cache.invalidate(ids)
  } catch {
    // the cache never fails a write path
  }
}

/** How many profiles the cache can hold (the in-process LRU's bound; the same threshold is used with Redis). */
export function membershipCacheCapacity(container: Resolver): number {
  try {
    return settingsOf(container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE).getOptions()).maxEntries
  } catch {
    return DEFAULT_CACHE_SETTINGS.maxEntries
  }
}

/**
 * Call after a membership write that changed more profiles than the cache can hold (a large batch refresh):
 * bumps the generation, so every cached entry becomes a miss at once — O(1) instead of one tombstone per profile.
 * Safe against racing readers like an invalidation: a fill read under the old generation is refused. Never throws.
 */
export async function invalidateAllMemberships(container: Resolver): Promise<void> {
  try {
    const slot = slotOf(container)
    slot.stats.invalidations++
    await slot.cache.bumpGeneration()
  } catch {
    // the cache never fails a write path
  }
}

/** The UTC minute of `at` as YYYY-MM-DDTHH:MM. */
export const minuteOf = (at: Date) => at.toISOString().slice(0, 16)

/** Counts a scheduled job's run in its minute (across processes with Redis). Never throws. */
export async function recordJobRun(container: Resolver, job: string, at: Date = new Date()): Promise<void> {
  try {
    await slotOf(container).cache.recordRun(job, minuteOf(at))
  } catch {
    // observability only
  }
}

/** Call after a segment was created, changed or deleted: every cached entry and the catalogue go stale. */
export async function segmentCatalogChanged(container: Resolver): Promise<void> {
  try {
    const slot = slotOf(container)
    slot.catalog = null
    await slot.cache.bumpGeneration()
  } catch {
    // never fails a write path
  }
}

async function catalogFor(container: Resolver, slot: Slot, generation: number): Promise<Map<string, ActiveSegment>> {
  if (slot.catalog && slot.catalog.generation === generation) return slot.catalog.load
  slot.stats.catalogLoads++
  const load = sql<ActiveSegment>(
    container,
    `SELECT id, handle, name, is_public, purpose FROM personalization_segment
      WHERE deleted_at IS NULL AND status = 'active' ORDER BY handle`
  ).then((rows) => new Map(rows.map((r) => [r.id, r])))
  slot.catalog = { generation, load }
  load.catch(() => {
    if (slot.catalog?.load === load) slot.catalog = null
  })
  return load
}

const byHandle = (a: ActiveSegment, b: ActiveSegment) => (a.handle < b.handle ? -1 : a.handle > b.handle ? 1 : 0)

/**
 * Active segments per profile id (open memberships), cache-through. Profiles without memberships map to [].
 * Works for many profiles at once (one MGET, one Postgres query for the misses, one fill).
 */
export async function segmentsOfProfiles(container: Resolver, profileIds: string[]): Promise<Map<string, ActiveSegment[]>> {
  const result = new Map<string, ActiveSegment[]>()
  const ids = [...new Set(profileIds)]
  if (!ids.length) return result
  const slot = slotOf(container)
  const read = await slot.cache.get(ids)
  if (read.generation === null) {
    // Cache unusable: straight from Postgres, joined with the segments (no catalogue to trust either).
    slot.stats.fallbacks += ids.length
    const rows = await sql<ActiveSegment & { profile_id: string }>(
      container,
      `SELECT m.profile_id, s.id, s.handle, s.name, s.is_public, s.purpose
         FROM personalization_segment_membership m
         JOIN personalization_segment s ON s.id = m.segment_id AND s.deleted_at IS NULL AND s.status = 'active'
        WHERE m.profile_id = ANY($1::text[]) AND m.exited_at IS NULL AND m.deleted_at IS NULL`,
      [ids]
    )
    for (const id of ids) result.set(id, [])
    for (const { profile_id, ...s } of rows) result.get(profile_id)!.push(s)
    for (const list of result.values()) list.sort(byHandle)
    return result
  }
  const open = new Map(read.entries)
  slot.stats.hits += read.entries.size
  const missing = ids.filter((id) => !open.has(id))
  if (missing.length) {
    slot.stats.misses += missing.length
    const rows = await sql<{ profile_id: string; segment_ids: string[] }>(
      container,
      `SELECT m.profile_id, array_agg(m.segment_id ORDER BY m.segment_id) AS segment_ids
         FROM personalization_segment_membership m
        WHERE m.profile_id = ANY($1::text[]) AND m.exited_at IS NULL AND m.deleted_at IS NULL
        GROUP BY m.profile_id`,
      [missing]
    )
    for (const id of missing) open.set(id, [])
    for (const r of rows) open.set(r.profile_id, r.segment_ids)
    await slot.cache.fill(
      read,
      missing.map((id) => [id, open.get(id)!])
    )
  }
  const catalog = await catalogFor(container, slot, read.generation)
  for (const id of ids) {
    const list = (open.get(id) ?? []).map((sid) => catalog.get(sid)).filter((s): s is ActiveSegment => !!s)
    result.set(id, list.sort(byHandle))
  }
  return result
}

/**
 * What a store route may personalize for the subject: their live profile, whether serving is allowed (the
 * same gate as GET /store/personalization/me) and the active segments they are in.
 */
export async function subjectSegments(container: Resolver, subject: StoreSubject): Promise<SubjectSegments> {
  if (subject.kind === "none") return { profile: null, served: false, segments: [] }
  const found = await findProfile(
    container,
    subject.kind === "customer" ? { customer_id: subject.customer_id } : { visitor_id: subject.visitor_id }
  )
  const profile = found && !found.merged_into_id ? found : null
  if (!profile) return { profile: null, served: false, segments: [] }
  const { consent } = container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE).getOptions()
  const served = !consent.required || consentGranted(profile, "personalization")
  if (!served) return { profile, served, segments: [] }
  const segments = (await segmentsOfProfiles(container, [profile.id])).get(profile.id) ?? []
  return { profile, served, segments }
}

/** The ids of the active segments the subject is in ([] when nothing may be personalized). For store routes. */
export async function segmentIdsOf(container: Resolver, subject: StoreSubject): Promise<string[]> {
  return (await subjectSegments(container, subject)).segments.map((s) => s.id)
}
