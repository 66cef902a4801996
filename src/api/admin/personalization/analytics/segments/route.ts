import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { invalid, notFound } from "../../../../../lib/errors"
import { sql } from "../../../../../lib/db/raw-sql"
import { compareSegments } from "../../../../../lib/analytics/segments-kpi"
import { lastCompleteDay } from "../../../../../lib/analytics/snapshots"
import { loadDefaultCurrency } from "../../../../../lib/profile/load-facts"
import { DAY_MS } from "../../../../../core/stats"
import type { AdminSegmentAnalyticsType } from "./validators"

const MAX_DAYS = 366

/**
 * Compares segments over a period (UTC days, both ends included) from the daily snapshots: size, flows, orders,
 * cart conversion, repeat rate, revenue, AOV and revenue per member (decimal strings in the store currency), and a
 * daily series for charts. Defaults: the 28 days up to yesterday, every non-archived segment.
 */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const q = req.validatedQuery as unknown as AdminSegmentAnalyticsType
  const to = q.to ? new Date(`${q.to}T00:00:00Z`) : lastCompleteDay(new Date())
  const from = q.from ? new Date(`${q.from}T00:00:00Z`) : new Date(to.getTime() - 27 * DAY_MS)
  if (from > to) throw invalid("from", "must not be after `to`")
  if ((to.getTime() - from.getTime()) / DAY_MS + 1 > MAX_DAYS) throw invalid("from", `the period may span at most ${MAX_DAYS} days`)

  let ids: string[]
  if (q.segment_ids) {
    const found = await sql<{ id: string }>(
      req.scope,
      `SELECT id FROM personalization_segment WHERE id = ANY($1::text[]) AND deleted_at IS NULL`,
      [q.segment_ids]
    )
    const known = new Set(found.map((f) => f.id))
    const missing = q.segment_ids.find((id) => !known.has(id))
    if (missing) throw notFound("Segment", missing)
    ids = q.segment_ids
  } else {
    const rows = await sql<{ id: string }>(
      req.scope,
      `SELECT id FROM personalization_segment WHERE status <> 'archived' AND deleted_at IS NULL ORDER BY name, id LIMIT 100`
    )
    ids = rows.map((r) => r.id)
  }
  const segments = await compareSegments(req.scope, ids, from, to)
  res.json({
    from: from.toISOString().slice(0, 10),
    to: to.toISOString().slice(0, 10),
    currency_code: await loadDefaultCurrency(req.scope),
    segments,
  })
}
