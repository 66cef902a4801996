// Segment comparison over a period, from the stored daily snapshots. Sums stay numeric in SQL and travel as
// decimal strings; rates are ratios of summed counts (not averages of daily rates).
import { sql } from "../db/raw-sql"
import { normalizeDecimal } from "./snapshots"

type Resolver = { resolve<T = unknown>(key: string): T }

export type SegmentPeriodKpi = {
  segment_id: string
  handle: string
  name: string
  status: string
  days: number
  members_start: number | null
  members_end: number | null
  members_avg: number | null
  entered: number
  exited: number
  orders: number
  carts: number
  converted_carts: number
  conversion_rate: number | null
  repeat_rate: number | null
  revenue: string
  aov: string | null
  revenue_per_member: string | null
  series: { day: string; members: number; entered: number; exited: number; orders: number; conversion_rate: number | null; revenue: string }[]
}

export async function compareSegments(container: Resolver, segmentIds: string[], from: Date, to: Date): Promise<SegmentPeriodKpi[]> {
  if (!segmentIds.length) return []
  const params = [segmentIds, from.toISOString(), to.toISOString()]
  const [totals, series] = await Promise.all([
    sql<Record<string, unknown>>(
      container,
      `SELECT s.id AS segment_id, s.handle, s.name, s.status,
              count(n.id)::int AS days,
              (array_agg(n.members ORDER BY n.day ASC))[1] AS members_start,
              (array_agg(n.members ORDER BY n.day DESC))[1] AS members_end,
              avg(n.members)::float8 AS members_avg,
              COALESCE(sum(n.entered), 0)::int AS entered, COALESCE(sum(n.exited), 0)::int AS exited,
              COALESCE(sum(n.orders), 0)::int AS orders, COALESCE(sum(n.carts), 0)::int AS carts,
              COALESCE(sum(n.converted_carts), 0)::int AS converted_carts,
              COALESCE(sum(n.ordering_members), 0)::int AS ordering_members,
              COALESCE(sum(n.repeat_members), 0)::int AS repeat_members,
              COALESCE(sum(n.revenue), 0)::text AS revenue,
              CASE WHEN sum(n.orders) > 0 THEN round(sum(n.revenue) / sum(n.orders), 6)::text END AS aov,
              CASE WHEN avg(n.members) > 0 THEN round(sum(n.revenue) / avg(n.members), 6)::text END AS revenue_per_member
         FROM unnest($1::text[]) WITH ORDINALITY AS w(id, ord)
         JOIN personalization_segment s ON s.id = w.id AND s.deleted_at IS NULL
         LEFT JOIN personalization_segment_snapshot n
           ON n.segment_id = s.id AND n.deleted_at IS NULL AND n.day >= $2 AND n.day <= $3
        GROUP BY s.id, s.handle, s.name, s.status, w.ord
        ORDER BY w.ord`,
      params
    ),
    sql<Record<string, unknown>>(
      container,
      `SELECT segment_id, day, members, entered, exited, orders, conversion_rate, revenue::text AS revenue
         FROM personalization_segment_snapshot
        WHERE segment_id = ANY($1::text[]) AND deleted_at IS NULL AND day >= $2 AND day <= $3
        ORDER BY segment_id, day`,
      params
    ),
  ])
  const seriesOf = new Map<string, SegmentPeriodKpi["series"]>()
  for (const r of series) {
    const list = seriesOf.get(String(r.segment_id)) ?? []
    list.push({
      day: new Date(r.day as string).toISOString().slice(0, 10),
      members: Number(r.members),
      entered: Number(r.entered),
      exited: Number(r.exited),
      orders: Number(r.orders),
      conversion_rate: r.conversion_rate === null ? null : Number(r.conversion_rate),
      revenue: normalizeDecimal(String(r.revenue)),
    })
    seriesOf.set(String(r.segment_id), list)
  }
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  return totals.map((r) => {
    const carts = Number(r.carts)
    const ordering = Number(r.ordering_members)
    return {
      segment_id: String(r.segment_id),
      handle: String(r.handle),
      name: String(r.name),
      status: String(r.status),
      days: Number(r.days),
      members_start: num(r.members_start),
      members_end: num(r.members_end),
      members_avg: num(r.members_avg),
      entered: Number(r.entered),
      exited: Number(r.exited),
      orders: Number(r.orders),
      carts,
      converted_carts: Number(r.converted_carts),
      conversion_rate: carts > 0 ? Number(r.converted_carts) / carts : null,
      repeat_rate: ordering > 0 ? Number(r.repeat_members) / ordering : null,
      revenue: normalizeDecimal(String(r.revenue)),
      aov: r.aov === null ? null : normalizeDecimal(String(r.aov)),
      revenue_per_member: r.revenue_per_member === null ? null : normalizeDecimal(String(r.revenue_per_member)),
      series: seriesOf.get(String(r.segment_id)) ?? [],
    }
  })
}
