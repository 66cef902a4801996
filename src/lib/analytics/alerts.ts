import { sql } from "../db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }

export type AlertFilter = {
  segment_id?: string
  acknowledged?: boolean
  metric?: "size" | "conversion"
  limit: number
  offset: number
}

/** Alerts newest day first, with the segment's handle and name. */
export async function listAlerts(container: Resolver, f: AlertFilter) {
  const where = ["a.deleted_at IS NULL"]
  const values: unknown[] = []
  if (f.segment_id) where.push(`a.segment_id = $${values.push(f.segment_id)}`)
  if (f.acknowledged !== undefined) where.push(f.acknowledged ? "a.acknowledged_at IS NOT NULL" : "a.acknowledged_at IS NULL")
  if (f.metric) where.push(`a.metric = $${values.push(f.metric)}`)
  const limit = `$${values.push(f.limit)}`
  const offset = `$${values.push(f.offset)}`
  const rows = await sql<Record<string, unknown>>(
    container,
    `SELECT a.id, a.segment_id, s.handle AS segment_handle, s.name AS segment_name, a.metric, a.day, a.value, a.mean,
            a.lower, a.upper, a.direction, a.acknowledged_at, a.created_at, count(*) OVER () AS total
       FROM personalization_segment_alert a
       LEFT JOIN personalization_segment s ON s.id = a.segment_id
      WHERE ${where.join(" AND ")}
      ORDER BY a.day DESC, a.created_at DESC, a.id
      LIMIT ${limit} OFFSET ${offset}`,
    values
  )
  let count = rows.length ? Number(rows[0].total) : 0
  if (!rows.length && f.offset > 0) {
    const [c] = await sql<{ n: number }>(
      container,
      `SELECT count(*)::int AS n FROM personalization_segment_alert a WHERE ${where.join(" AND ")}`,
      values.slice(0, values.length - 2)
    )
    count = c.n
  }
  return {
    alerts: rows.map(({ total, ...r }) => ({
      ...r,
      day: new Date(r.day as string).toISOString().slice(0, 10),
      value: Number(r.value),
      mean: Number(r.mean),
      lower: Number(r.lower),
      upper: Number(r.upper),
    })),
    count,
    limit: f.limit,
    offset: f.offset,
  }
}
