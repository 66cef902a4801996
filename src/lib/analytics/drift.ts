// Drift: each segment's size and cart conversion on a day, against control limits from its own previous
// 28 days of snapshots (mean ± 3σ, at least 7 points). A breach becomes one segment_alert row per
// (segment, metric, day) — idempotent, a rerun of the same day creates nothing new.
import { generateEntityId } from "@medusajs/framework/utils"
import type { Run } from "../db/transaction"
import { controlLimits, DAY_MS, detectBreach, type Point } from "../../core/stats"

export const SEGMENT_DRIFT = "personalization.segment.drift"
export const DRIFT_WINDOW_DAYS = 28
export const DRIFT_MIN_POINTS = 7

export type DriftAlert = {
  id: string
  segment_id: string
  metric: "size" | "conversion"
  day: string
  value: number
  mean: number
  lower: number
  upper: number
  direction: "above" | "below"
}

const METRICS = [
  { metric: "size" as const, column: "members" },
  { metric: "conversion" as const, column: "conversion_rate" },
]

/** Finds the breaches of `day` for `segmentIds` and inserts the alerts not already recorded; returns the new ones. */
export async function detectAndRecordDrift(run: Run, day: Date, segmentIds: string[]): Promise<DriftAlert[]> {
  if (!segmentIds.length) return []
  const from = new Date(day.getTime() - DRIFT_WINDOW_DAYS * DAY_MS)
  const snapshots = await run<{ segment_id: string; day: Date; members: number; conversion_rate: number | null }>(
    `SELECT segment_id, day, members, conversion_rate FROM personalization_segment_snapshot
      WHERE segment_id = ANY($1::text[]) AND day >= $2 AND day <= $3 AND deleted_at IS NULL`,
    [segmentIds, from.toISOString(), day.toISOString()]
  )
  const bySegment = new Map<string, typeof snapshots>()
  for (const s of snapshots) bySegment.set(s.segment_id, [...(bySegment.get(s.segment_id) ?? []), s])

  const candidates: DriftAlert[] = []
  for (const [segment_id, rows] of bySegment) {
    const today = rows.find((r) => new Date(r.day).getTime() === day.getTime())
    if (!today) continue
    for (const { metric, column } of METRICS) {
      const value = (today as Record<string, unknown>)[column]
      const history: Point[] = rows.map((r) => ({ day: r.day, value: numberOrNull((r as Record<string, unknown>)[column]) }))
      const breach = detectBreach(
        numberOrNull(value),
        controlLimits(history, day, { windowDays: DRIFT_WINDOW_DAYS, minPoints: DRIFT_MIN_POINTS })
      )
      if (!breach) continue
      candidates.push({
        id: generateEntityId(undefined, "palr"),
        segment_id,
        metric,
        day: day.toISOString(),
        value: breach.value,
        mean: breach.mean,
        lower: breach.lower,
        upper: breach.upper,
        direction: breach.direction,
      })
    }
  }
  if (!candidates.length) return []
  const inserted = await run<{ id: string }>(
    `INSERT INTO personalization_segment_alert (id, segment_id, metric, day, value, mean, lower, upper, direction, created_at, updated_at)
     SELECT a.id, a.segment_id, a.metric, a.day, a.value, a.mean, a.lower, a.upper, a.direction, now(), now()
       FROM jsonb_to_recordset($1::jsonb) AS a(id text, segment_id text, metric text, day timestamptz, value float8,
            mean float8, lower float8, upper float8, direction text)
     ON CONFLICT (segment_id, metric, day) WHERE deleted_at IS NULL DO NOTHING
     RETURNING id`,
    [JSON.stringify(candidates)]
  )
  const ids = new Set(inserted.map((r) => r.id))
  return candidates.filter((c) => ids.has(c.id))
}

function numberOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null
  const n = Number(v)
  return Number.isFinite(n) ? n : null
}
