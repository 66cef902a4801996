// Segment references in the shell. Stored rules reference segments by id (core/rules/references.ts); handles appear
// only at the edges: a rule as written (text or JSON) is resolved here before it is stored or previewed, and a stored
// rule is shown with its segments' current handles. The checks every path that changes a rule, a handle or a status
// runs live here too, so they are the same on create, update, activation, preview and import:
//   - every reference names an existing segment (400 "unknown segment 'x'"),
//   - a segment that is not archived references no archived segment (400),
//   - references form no cycle (400),
//   - a segment still referenced is neither deleted nor archived (409 naming the referrers; see
//     docs/decisions/0001-segment-references.md for why this refuses rather than cascades).
import {
  findCycle,
  labelSegmentHandles,
  resolveSegmentIds,
  segmentReferences,
  walk,
  withoutSegmentIds,
  type Rule,
} from "../../core/rules"
import { conflict, invalid } from "../errors"

/** What the checks need of every segment. */
export type SegmentRef = { id: string; handle: string; status: string; rule: unknown }

type SegmentLister = { listSegments(filters: object, config: object): Promise<unknown[]> }

/** Every (non-deleted) segment, for the checks below. */
export async function loadSegmentRefs(service: SegmentLister): Promise<SegmentRef[]> {
  return (await service.listSegments({}, { select: ["id", "handle", "status", "rule"], take: null })) as SegmentRef[]
}

/** The segment being saved, as it will be after the save; `id` is null for a segment not created yet. */
export type SavedSegment = { id: string | null; handle: string; status: string }

// The key a segment not created yet goes by while its rule is checked (never stored: a reference to it is a cycle).
const UNSAVED = "(unsaved segment)"

/**
 * A rule as written → as stored: each segment('handle') gets the id of the segment with that handle (the saved segment's
 * own new handle names itself), then the stored form is checked (checkStoredRule). 400s name `field`.
 */
export function resolveRule(rule: Rule, all: readonly SegmentRef[], self: SavedSegment, field: string): Rule {
  const selfKey = self.id ?? UNSAVED
  // The saved segment answers to its new handle only (a rename in the same request frees the old one).
  const idByHandle = new Map(all.filter((s) => s.id !== self.id).map((s) => [s.handle, s.id]))
  idByHandle.set(self.handle, selfKey)
  const { rule: resolved, missing } = resolveSegmentIds(rule, (h) => idByHandle.get(h))
  if (missing.length) throw invalid(field, `unknown segment ${missing.map((h) => `'${h}'`).join(", ")}`)
  checkStoredRule(resolved, all, self, field)
  return resolved
}

/**
 * Checks a stored rule (references by id) against the store as it will be after the save: every referenced segment
 * exists, none is archived unless the saved segment is archived too, and the references form no cycle. 400 naming
 * `field`; segments are named by handle.
 */
export function checkStoredRule(rule: unknown, all: readonly SegmentRef[], self: SavedSegment, field: string): void {
  const selfKey = self.id ?? UNSAVED
  const others = new Map(all.filter((s) => s.id !== self.id).map((s) => [s.id, s]))
  const label = labels(rule)
  const nameOf = (key: string) => (key === selfKey ? self.handle : others.get(key)?.handle ?? label.get(key) ?? key)
  const refs = segmentReferences(rule)
  const unknown = refs.filter((k) => k !== selfKey && !others.has(k))
  if (unknown.length) throw invalid(field, `unknown segment ${unknown.map((k) => `'${nameOf(k)}'`).join(", ")}`)
  if (self.status !== "archived") {
    const archived = refs.filter((k) => others.get(k)?.status === "archived")
    if (archived.length) {
      throw invalid(
        field,
        `segment ${archived.map((k) => `'${nameOf(k)}'`).join(", ")} ${archived.length > 1 ? "are" : "is"} archived; ` +
          `restore ${archived.length > 1 ? "them" : "it"} or remove the reference`
      )
    }
  }
  const cycle = findCycle(selfKey, rule, (k) => others.get(k)?.rule)
  if (cycle) throw invalid(field, `segment references form a cycle: ${cycle.map(nameOf).join(" → ")}`)
}

/** Handles of the segments whose rules reference `id` (only those not archived when `activeOnly`), sorted. */
export function referrersOf(id: string, all: readonly SegmentRef[], opts: { notArchived?: boolean } = {}): string[] {
  return all
    .filter((s) => s.id !== id && (!opts.notArchived || s.status !== "archived") && segmentReferences(s.rule).includes(id))
    .map((s) => s.handle)
    .sort()
}

/** 409 when segments still reference the one being deleted or archived, naming them. */
export function assertUnreferenced(
  segment: { id: string; handle: string },
  all: readonly SegmentRef[],
  action: "delete" | "archive"
): void {
  // An archived referrer has no members, so archiving is refused only for referrers that can still match; a
  // deleted segment would leave every referrer (archived ones too, which may be restored) pointing at nothing.
  const referrers = referrersOf(segment.id, all, { notArchived: action === "archive" })
  if (!referrers.length) return
  const list = referrers.map((h) => `'${h}'`).join(", ")
  throw conflict(
    `segment '${segment.handle}' is referenced by the rule of ${referrers.length > 1 ? "segments" : "segment"} ${list}; ` +
      `remove segment('${segment.handle}') from ${referrers.length > 1 ? "them" : "it"} ` +
      `(or ${action} ${referrers.length > 1 ? "them" : "it"}) first`
  )
}

/**
 * A stored rule as the API and exports show it: references by the segments' current handles, no ids. `handleById`
 * knows the current handles; an id it does not know keeps the label stored with it.
 */
export function presentRule(rule: unknown, handleById: ReadonlyMap<string, string>): Rule {
  return withoutSegmentIds(labelSegmentHandles(rule as Rule, (id) => handleById.get(id)))
}

/** Ids referenced by these stored rules (to look up their current handles). */
export function referencedIds(rules: readonly unknown[]): string[] {
  const ids = new Set<string>()
  for (const r of rules) {
    if (!r || typeof r !== "object") continue
    walk(r as Rule, (n) => {
      if (n.type === "segment" && n.id !== undefined) ids.add(n.id)
    })
  }
  return [...ids]
}

/** Current handles of the segments these stored rules reference (deleted ones excluded). */
export async function handlesFor(service: SegmentLister, rules: readonly unknown[]): Promise<Map<string, string>> {
  const ids = referencedIds(rules)
  if (!ids.length) return new Map()
  const rows = (await service.listSegments({ id: ids }, { select: ["id", "handle"], take: null })) as { id: string; handle: string }[]
  return new Map(rows.map((s) => [s.id, s.handle]))
}

/** The label stored with each id reference of a rule (to name a segment that no longer exists). */
function labels(rule: unknown): Map<string, string> {
  const out = new Map<string, string>()
  if (rule && typeof rule === "object") {
    walk(rule as Rule, (n) => {
      if (n.type === "segment" && n.id !== undefined) out.set(n.id, n.handle)
    })
  }
  return out
}
