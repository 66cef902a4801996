// Daily segment KPIs, set-based: one statement computes every active segment's figures for one UTC day from the
// membership stays and Medusa's order/cart tables; one statement upserts them. Money stays numeric end to end.
import { generateEntityId } from "@medusajs/framework/utils"
import { sql } from "../db/raw-sql"
import type { Run } from "../db/transaction"
import { DAY_MS, utcDay } from "../../core/stats"

type Resolver = { resolve<T = unknown>(key: string): T }

export type SnapshotRow = {
  segment_id: string
  members: number
  entered: number
  exited: number
  orders: number
  ordering_members: number
  repeat_members: number
  carts: number
  converted_carts: number
  conversion_rate: number | null
  repeat_rate: number | null
  /** decimal strings (exact sums; averages rounded to 6 decimals) */
  revenue: string
  aov: string
  revenue_per_member: string
}

/** An order's current total from its latest stored summary, exact (the `raw_` twin when present). */
export const ORDER_TOTAL_SQL = `COALESCE(
  CASE jsonb_typeof(s.totals->'raw_current_order_total') WHEN 'object' THEN (s.totals->'raw_current_order_total'->>'value')::numeric END,
  CASE jsonb_typeof(s.totals->'current_order_total')
    WHEN 'number' THEN (s.totals->>'current_order_total')::numeric
    WHEN 'string' THEN (s.totals->>'current_order_total')::numeric
    WHEN 'object' THEN (s.totals->'current_order_total'->>'value')::numeric END,
  0)`

/** Orders that count: placed, not canceled, not drafts, in the store currency. */
export const COUNTED_ORDER_SQL = `o.deleted_at IS NULL AND o.canceled_at IS NULL AND o.status <> 'canceled' AND o.is_draft_order = false`

/**
 * KPIs of `segmentIds` for the UTC day starting at `day`, as of `asOf` (the day's end, or now for today).
 * Members = open stays at `asOf` (customers and visitors); entered/exited = stays that began/ended in the day.
 * "For members" = the customers among those members: their orders placed in the day (store currency only),
 * the carts they created in the day and how many of those were completed by `asOf`, AOV = revenue / orders,
 * revenue per member = revenue / members, repeat rate = share of ordering members who had ordered before the day.
 */
export async function computeSnapshots(
  container: Resolver,
  segmentIds: string[],
  day: Date,
  asOf: Date,
  currency: string
): Promise<SnapshotRow[]> {
  if (!segmentIds.length) return []
  const rows = await sql<Record<string, unknown>>(
    container,
    `WITH stays AS (
       SELECT m.segment_id, m.profile_id, m.customer_id, m.entered_at, m.exited_at
         FROM personalization_segment_membership m
        WHERE m.segment_id = ANY($1::text[]) AND m.deleted_at IS NULL AND m.entered_at < $3
     ),
     members AS (
       SELECT DISTINCT segment_id, profile_id, customer_id FROM stays WHERE exited_at IS NULL OR exited_at >= $3
     ),
     size AS (SELECT segment_id, count(*)::int AS members FROM members GROUP BY segment_id),
     flow AS (
       SELECT segment_id,
              count(*) FILTER (WHERE entered_at >= $2)::int AS entered,
              count(*) FILTER (WHERE exited_at >= $2 AND exited_at < $3)::int AS exited
         FROM stays GROUP BY segment_id
     ),
     member_customers AS (SELECT DISTINCT customer_id FROM members WHERE customer_id IS NOT NULL),
     day_orders AS (
       SELECT o.id, o.customer_id, ${ORDER_TOTAL_SQL} AS total
         FROM "order" o
         LEFT JOIN LATERAL (SELECT totals FROM order_summary s0 WHERE s0.order_id = o.id AND s0.deleted_at IS NULL
                             ORDER BY s0.version DESC LIMIT 1) s ON true
        WHERE o.customer_id IN (SELECT customer_id FROM member_customers)
          AND o.created_at >= $2 AND o.created_at < $3 AND lower(o.currency_code) = $4 AND ${COUNTED_ORDER_SQL}
     ),
     returning_customers AS (
       SELECT DISTINCT o.customer_id FROM "order" o
        WHERE o.customer_id IN (SELECT customer_id FROM day_orders) AND o.created_at < $2 AND ${COUNTED_ORDER_SQL}
     ),
     order_kpi AS (
       SELECT m.segment_id, count(o.id)::int AS orders, count(DISTINCT o.customer_id)::int AS ordering_members,
              count(DISTINCT r.customer_id)::int AS repeat_members, COALESCE(sum(o.total), 0) AS revenue
         FROM members m
         JOIN day_orders o ON o.customer_id = m.customer_id
         LEFT JOIN returning_customers r ON r.customer_id = o.customer_id
        GROUP BY m.segment_id
     ),
     cart_kpi AS (
       SELECT m.segment_id, count(c.id)::int AS carts,
              count(c.id) FILTER (WHERE c.completed_at IS NOT NULL AND c.completed_at < $3)::int AS converted_carts
         FROM members m
         JOIN cart c ON c.customer_id = m.customer_id
        WHERE c.created_at >= $2 AND c.created_at < $3 AND c.deleted_at IS NULL
        GROUP BY m.segment_id
     )
     SELECT seg.id AS segment_id,
            COALESCE(size.members, 0) AS members, COALESCE(flow.entered, 0) AS entered, COALESCE(flow.exited, 0) AS exited,
            COALESCE(ok.orders, 0) AS orders, COALESCE(ok.ordering_members, 0) AS ordering_members,
            COALESCE(ok.repeat_members, 0) AS repeat_members,
            COALESCE(ck.carts, 0) AS carts, COALESCE(ck.converted_carts, 0) AS converted_carts,
            CASE WHEN COALESCE(ck.carts, 0) > 0 THEN ck.converted_carts::float8 / ck.carts END AS conversion_rate,
            CASE WHEN COALESCE(ok.ordering_members, 0) > 0 THEN ok.repeat_members::float8 / ok.ordering_members END AS repeat_rate,
            COALESCE(ok.revenue, 0)::text AS revenue,
            CASE WHEN COALESCE(ok.orders, 0) > 0 THEN round(ok.revenue / ok.orders, 6) ELSE 0 END::text AS aov,
            CASE WHEN COALESCE(size.members, 0) > 0 THEN round(COALESCE(ok.revenue, 0) / size.members, 6) ELSE 0 END::text AS revenue_per_member
       FROM unnest($1::text[]) AS seg(id)
       LEFT JOIN size ON size.segment_id = seg.id
       LEFT JOIN flow ON flow.segment_id = seg.id
       LEFT JOIN order_kpi ok ON ok.segment_id = seg.id
       LEFT JOIN cart_kpi ck ON ck.segment_id = seg.id
      ORDER BY seg.id`,
    [segmentIds, day.toISOString(), asOf.toISOString(), currency.toLowerCase()]
  )
  return rows.map((r) => ({
    segment_id: String(r.segment_id),
    members: Number(r.members),
    entered: Number(r.entered),
    exited: Number(r.exited),
    orders: Number(r.orders),
    ordering_members: Number(r.ordering_members),
    repeat_members: Number(r.repeat_members),
    carts: Number(r.carts),
    converted_carts: Number(r.converted_carts),
    conversion_rate: r.conversion_rate === null ? null : Number(r.conversion_rate),
    repeat_rate: r.repeat_rate === null ? null : Number(r.repeat_rate),
    revenue: normalizeDecimal(String(r.revenue)),
    aov: normalizeDecimal(String(r.aov)),
    revenue_per_member: normalizeDecimal(String(r.revenue_per_member)),
  }))
}

/** "12.500000" → "12.5", "3.000000" → "3" (numeric text from Postgres keeps trailing zeros). */
export function normalizeDecimal(text: string): string {
  if (!text.includes(".")) return text
  const trimmed = text.replace(/0+$/, "").replace(/\.$/, "")
  return trimmed === "-0" ? "0" : trimmed
}

export type PreviousSnapshot = Record<string, unknown> & { id: string }

/**
 * Upserts one row per (segment, day) in one statement (the partial unique index makes it idempotent).
 * Returns the ids written and, for rows that existed, their previous values (for a compensation).
 */
export async function upsertSnapshots(run: Run, day: Date, currency: string, rows: SnapshotRow[]) {
  if (!rows.length) return { ids: [] as string[], created: [] as string[], previous: [] as PreviousSnapshot[] }
  const previous = await run<PreviousSnapshot>(
    `SELECT * FROM personalization_segment_snapshot WHERE day = $1 AND segment_id = ANY($2::text[]) AND deleted_at IS NULL`,
    [day.toISOString(), rows.map((r) => r.segment_id)]
  )
  const payload = rows.map((r) => ({ ...r, id: generateEntityId(undefined, "psnp") }))
  const written = await run<{ id: string; inserted: boolean }>(
    `INSERT INTO personalization_segment_snapshot AS t
       (id, segment_id, day, members, entered, exited, orders, ordering_members, repeat_members, carts, converted_carts,
        conversion_rate, repeat_rate, revenue, raw_revenue, aov, raw_aov, revenue_per_member, raw_revenue_per_member,
        currency_code, created_at, updated_at)
     SELECT r.id, r.segment_id, $2::timestamptz, r.members, r.entered, r.exited, r.orders, r.ordering_members,
            r.repeat_members, r.carts, r.converted_carts, r.conversion_rate, r.repeat_rate,
            r.revenue::numeric, jsonb_build_object('value', r.revenue, 'precision', 20),
            r.aov::numeric, jsonb_build_object('value', r.aov, 'precision', 20),
            r.revenue_per_member::numeric, jsonb_build_object('value', r.revenue_per_member, 'precision', 20),
            $3, now(), now()
       FROM jsonb_to_recordset($1::jsonb) AS r(
            id text, segment_id text, members int, entered int, exited int, orders int, ordering_members int,
            repeat_members int, carts int, converted_carts int, conversion_rate float8, repeat_rate float8,
            revenue text, aov text, revenue_per_member text)
     ON CONFLICT (segment_id, day) WHERE deleted_at IS NULL DO UPDATE SET
       members = EXCLUDED.members, entered = EXCLUDED.entered, exited = EXCLUDED.exited, orders = EXCLUDED.orders,
       ordering_members = EXCLUDED.ordering_members, repeat_members = EXCLUDED.repeat_members, carts = EXCLUDED.carts,
       converted_carts = EXCLUDED.converted_carts, conversion_rate = EXCLUDED.conversion_rate,
       repeat_rate = EXCLUDED.repeat_rate, revenue = EXCLUDED.revenue, raw_revenue = EXCLUDED.raw_revenue,
       aov = EXCLUDED.aov, raw_aov = EXCLUDED.raw_aov, revenue_per_member = EXCLUDED.revenue_per_member,
       raw_revenue_per_member = EXCLUDED.raw_revenue_per_member, currency_code = EXCLUDED.currency_code, updated_at = now()
     RETURNING t.id, (xmax = 0) AS inserted`,
    [JSON.stringify(payload), day.toISOString(), currency.toLowerCase()]
  )
  return { ids: written.map((w) => w.id), created: written.filter((w) => w.inserted).map((w) => w.id), previous }
}

/** Undo of upsertSnapshots: delete the rows it created, put back the previous values of the rows it updated. */
export async function restoreSnapshots(run: Run, created: string[], previous: PreviousSnapshot[]) {
  if (created.length) await run(`DELETE FROM personalization_segment_snapshot WHERE id = ANY($1::text[])`, [created])
  if (previous.length) {
    await run(
      `UPDATE personalization_segment_snapshot t SET
         members = p.members, entered = p.entered, exited = p.exited, orders = p.orders, ordering_members = p.ordering_members,
         repeat_members = p.repeat_members, carts = p.carts, converted_carts = p.converted_carts,
         conversion_rate = p.conversion_rate, repeat_rate = p.repeat_rate, revenue = p.revenue, raw_revenue = p.raw_revenue,
         aov = p.aov, raw_aov = p.raw_aov, revenue_per_member = p.revenue_per_member,
         raw_revenue_per_member = p.raw_revenue_per_member, currency_code = p.currency_code, updated_at = p.updated_at
         FROM jsonb_populate_recordset(NULL::personalization_segment_snapshot, $1::jsonb) p
        WHERE t.id = p.id`,
      [JSON.stringify(previous)]
    )
  }
}

/** The UTC day before `now` (the last complete day), and the instant a day's snapshot is taken as of. */
export function lastCompleteDay(now: Date): Date {
  return new Date(utcDay(now).getTime() - DAY_MS)
}

export function asOfFor(day: Date, now: Date): Date {
  return new Date(Math.min(day.getTime() + DAY_MS, now.getTime()))
}

/** How many missed days a run catches up on (a stopped server does not leave a hole in the history). */
export const CATCH_UP_DAYS = 7

/**
 * The days a snapshot run at `now` should write: the last complete UTC day, preceded by the days since the latest
 * stored snapshot (at most CATCH_UP_DAYS in total).
 */
export async function daysToSnapshot(container: Resolver, now: Date): Promise<Date[]> {
  const last = lastCompleteDay(now)
  const [row] = await sql<{ day: Date | null }>(
    container,
    `SELECT max(day) AS day FROM personalization_segment_snapshot WHERE deleted_at IS NULL AND day <= $1`,
    [last.toISOString()]
  )
  const earliest = last.getTime() - (CATCH_UP_DAYS - 1) * DAY_MS
  const from = row?.day ? Math.max(utcDay(new Date(row.day)).getTime() + DAY_MS, earliest) : last.getTime()
  const days: Date[] = []
  for (let t = Math.min(from, last.getTime()); t <= last.getTime(); t += DAY_MS) days.push(new Date(t))
  return days
}
