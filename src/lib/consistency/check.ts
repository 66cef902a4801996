// The consistency checker (issue #10): the three places a segment's membership is written down must agree —
// open membership rows (the truth the pipeline writes in one transaction), the managed customer group's members
// (what promotions and price lists see) and segment.member_count (what the admin lists show).
// Read-only and set-based (a handful of queries whatever the store size); `repairConsistency` fixes what it
// reports through workflows.
import { sql } from "../db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }

export type SegmentDifference = {
  segment_id: string
  handle: string
  status: string
  customer_group_id: string | null
  member_count: number
  open_memberships: number
  /** Customers with an open membership who are not in the managed group (only customers that still exist). */
  missing_in_group: string[]
  /** Customers in the managed group without an open membership. */
  extra_in_group: string[]
  /** Open memberships of a segment that is not active (only active segments have members). */
  stale_open_memberships: number
  /** The segment names a managed group that no longer exists. */
  group_missing: boolean
}

export type ConsistencyReport = {
  checked_at: string
  segments_checked: number
  differences: SegmentDifference[]
  /** Totals over all segments, for logs and the docs' figures table. */
  totals: { count_mismatches: number; missing_in_group: number; extra_in_group: number; stale_open_memberships: number; groups_missing: number }
  ok: boolean
}

type SegmentRow = { id: string; handle: string; status: string; customer_group_id: string | null; member_count: number }

/** Compares open memberships, managed-group members and member_count for every live segment (or the given ones). */
export async function checkConsistency(container: Resolver, opts: { segmentIds?: string[] } = {}): Promise<ConsistencyReport> {
  const filter = opts.segmentIds ? `AND s.id = ANY($1::text[])` : ""
  const values = opts.segmentIds ? [opts.segmentIds] : []
  const segments = await sql<SegmentRow>(
    container,
    `SELECT s.id, s.handle, s.status, s.customer_group_id, s.member_count FROM personalization_segment s
      WHERE s.deleted_at IS NULL ${filter} ORDER BY s.handle`,
    values
  )
  const open = await sql<{ segment_id: string; n: string }>(
    container,
    `SELECT m.segment_id, count(*) AS n FROM personalization_segment_membership m
       JOIN personalization_segment s ON s.id = m.segment_id AND s.deleted_at IS NULL ${filter}
      WHERE m.exited_at IS NULL AND m.deleted_at IS NULL
      GROUP BY m.segment_id`,
    values
  )
  // Medusa's customer module tables are read directly (read-only): one anti-join each way instead of a module call
  // per segment. customer_group_customer is the link table behind customer.groups.
  const missing = await sql<{ segment_id: string; customer_id: string }>(
    container,
    `SELECT DISTINCT m.segment_id, m.customer_id FROM personalization_segment_membership m
       JOIN personalization_segment s ON s.id = m.segment_id AND s.deleted_at IS NULL ${filter}
       JOIN customer c ON c.id = m.customer_id AND c.deleted_at IS NULL
       JOIN customer_group g ON g.id = s.customer_group_id AND g.deleted_at IS NULL
      WHERE m.exited_at IS NULL AND m.deleted_at IS NULL AND m.customer_id IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM customer_group_customer l
                         WHERE l.customer_group_id = s.customer_group_id AND l.customer_id = m.customer_id AND l.deleted_at IS NULL)
      ORDER BY m.customer_id`,
    values
  )
  const extra = await sql<{ segment_id: string; customer_id: string }>(
    container,
    `SELECT s.id AS segment_id, l.customer_id FROM personalization_segment s
       JOIN customer_group_customer l ON l.customer_group_id = s.customer_group_id AND l.deleted_at IS NULL
      WHERE s.deleted_at IS NULL ${filter}
        AND NOT EXISTS (SELECT 1 FROM personalization_segment_membership m
                         WHERE m.segment_id = s.id AND m.customer_id = l.customer_id AND m.exited_at IS NULL AND m.deleted_at IS NULL)
      ORDER BY l.customer_id`,
    values
  )
  const groups = await sql<{ id: string }>(
    container,
    `SELECT g.id FROM customer_group g WHERE g.deleted_at IS NULL AND g.id = ANY($1::text[])`,
    [segments.map((s) => s.customer_group_id).filter((id): id is string => !!id)]
  )
  const liveGroups = new Set(groups.map((g) => g.id))
  const openBy = new Map(open.map((o) => [o.segment_id, Number(o.n)]))
  const group = (rows: { segment_id: string; customer_id: string }[]) => {
    const by = new Map<string, string[]>()
    for (const r of rows) by.set(r.segment_id, [...(by.get(r.segment_id) ?? []), r.customer_id])
    return by
  }
  const missingBy = group(missing)
  const extraBy = group(extra)

  const differences: SegmentDifference[] = []
  for (const s of segments) {
    const openCount = openBy.get(s.id) ?? 0
    const d: SegmentDifference = {
      segment_id: s.id,
      handle: s.handle,
      status: s.status,
      customer_group_id: s.customer_group_id,
      member_count: Number(s.member_count),
      open_memberships: openCount,
      missing_in_group: missingBy.get(s.id) ?? [],
      extra_in_group: extraBy.get(s.id) ?? [],
      stale_open_memberships: s.status === "active" ? 0 : openCount,
      group_missing: !!s.customer_group_id && !liveGroups.has(s.customer_group_id),
    }
    if (
      d.member_count !== d.open_memberships ||
      d.missing_in_group.length ||
      d.extra_in_group.length ||
      d.stale_open_memberships ||
      d.group_missing
    ) {
      differences.push(d)
    }
  }
  const sum = (f: (d: SegmentDifference) => number) => differences.reduce((n, d) => n + f(d), 0)
  return {
    checked_at: new Date().toISOString(),
    segments_checked: segments.length,
    differences,
    totals: {
      count_mismatches: differences.filter((d) => d.member_count !== d.open_memberships).length,
      missing_in_group: sum((d) => d.missing_in_group.length),
      extra_in_group: sum((d) => d.extra_in_group.length),
      stale_open_memberships: sum((d) => d.stale_open_memberships),
      groups_missing: differences.filter((d) => d.group_missing).length,
    },
    ok: differences.length === 0,
  }
}

/** Human-readable lines for the CLI. */
export function formatReport(report: ConsistencyReport): string[] {
  if (report.ok) return [`consistency: ${report.segments_checked} segments checked, no differences`]
  const lines = [`consistency: ${report.segments_checked} segments checked, ${report.differences.length} with differences`]
  const ids = (xs: string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(", ")} … (+${xs.length - 5})` : xs.join(", "))
  for (const d of report.differences) {
    const parts: string[] = []
    if (d.member_count !== d.open_memberships) parts.push(`member_count ${d.member_count} ≠ ${d.open_memberships} open memberships`)
    if (d.missing_in_group.length) parts.push(`${d.missing_in_group.length} member(s) missing from the managed group: ${ids(d.missing_in_group)}`)
    if (d.extra_in_group.length) parts.push(`${d.extra_in_group.length} non-member(s) in the managed group: ${ids(d.extra_in_group)}`)
    if (d.stale_open_memberships) parts.push(`${d.stale_open_memberships} open membership(s) in a ${d.status} segment`)
    if (d.group_missing) parts.push(`managed group ${d.customer_group_id} no longer exists (not repairable here: update the segment)`)
    lines.push(`  ${d.handle} (${d.segment_id}): ${parts.join("; ")}`)
  }
  return lines
}
