// The RFM scoring SQL (no Medusa import, so the unit suite can run it against a bare Postgres and compare it
// with the core's scoring).
import { rfmGroupTable, type RfmGroupDef } from "../../core/traits/rfm"

type Run = <T = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<T[]>

/** Who is scored: customers (not visitors) whose profile has at least one order. */
export const RFM_POPULATION = `p.customer_id IS NOT NULL AND p.deleted_at IS NULL AND p.orders_count > 0 AND p.last_order_at IS NOT NULL`

export type RfmPrevious = { id: string; r: number | null; f: number | null; m: number | null; group: string | null }

/**
 * One UPDATE scores the whole population with window functions — the integer form of the core's mid-rank
 * quintile (src/core/ml/quintiles.ts): floor((10·less + 5·equal) / (2·n)) + 1, where less = rank() − 1 — and
 * names the group by joining the core's (R, F, M) → group table. Only rows whose scores or group change are
 * written; their previous values come back for the compensation. Recency is whole days before `now` (more days,
 * lower R); monetary is the exact numeric total.
 */
export async function applyRfmScores(run: Run, now: Date, groups: readonly RfmGroupDef[]) {
  const table = rfmGroupTable(groups)
  const changed = await run<{ id: string; old_r: number | null; old_f: number | null; old_m: number | null; old_group: string | null }>(
    `WITH base AS (
       SELECT p.id, floor(extract(epoch FROM ($1::timestamptz - p.last_order_at)) / 86400) AS rec,
              p.orders_count AS freq, p.total_spent AS mon
         FROM personalization_customer_profile p
        WHERE ${RFM_POPULATION}
     ), scored AS (
       SELECT id,
              ((10 * (rank() OVER (ORDER BY rec DESC) - 1) + 5 * count(*) OVER (PARTITION BY rec)) / (2 * count(*) OVER ()) + 1)::int AS r,
              ((10 * (rank() OVER (ORDER BY freq) - 1) + 5 * count(*) OVER (PARTITION BY freq)) / (2 * count(*) OVER ()) + 1)::int AS f,
              ((10 * (rank() OVER (ORDER BY mon) - 1) + 5 * count(*) OVER (PARTITION BY mon)) / (2 * count(*) OVER ()) + 1)::int AS m
         FROM base
     ), grouped AS (
       SELECT s.id, s.r, s.f, s.m, g.grp
         FROM scored s
         LEFT JOIN unnest($2::int[], $3::int[], $4::int[], $5::text[]) AS g(r, f, m, grp)
           ON g.r = s.r AND g.f = s.f AND g.m = s.m
     ), target AS (
       SELECT g.*, old.rfm_r AS old_r, old.rfm_f AS old_f, old.rfm_m AS old_m, old.rfm_group AS old_group
         FROM grouped g JOIN personalization_customer_profile old ON old.id = g.id
        WHERE old.rfm_r IS DISTINCT FROM g.r OR old.rfm_f IS DISTINCT FROM g.f
           OR old.rfm_m IS DISTINCT FROM g.m OR old.rfm_group IS DISTINCT FROM g.grp
     )
     UPDATE personalization_customer_profile p
        SET rfm_r = t.r, rfm_f = t.f, rfm_m = t.m, rfm_group = t.grp, updated_at = now()
       FROM target t
      WHERE p.id = t.id
     RETURNING p.id, t.old_r, t.old_f, t.old_m, t.old_group`,
    [now.toISOString(), table.map((x) => x.r), table.map((x) => x.f), table.map((x) => x.m), table.map((x) => x.group)]
  )
  // Profiles that no longer qualify (every order canceled, a merged or deleted profile) lose their scores.
  const cleared = await run<{ id: string; old_r: number | null; old_f: number | null; old_m: number | null; old_group: string | null }>(
    `UPDATE personalization_customer_profile p
        SET rfm_r = NULL, rfm_f = NULL, rfm_m = NULL, rfm_group = NULL, updated_at = now()
       FROM (SELECT id, rfm_r AS old_r, rfm_f AS old_f, rfm_m AS old_m, rfm_group AS old_group
               FROM personalization_customer_profile p
              WHERE p.deleted_at IS NULL
                AND (p.rfm_r IS NOT NULL OR p.rfm_f IS NOT NULL OR p.rfm_m IS NOT NULL OR p.rfm_group IS NOT NULL)
                AND NOT (${RFM_POPULATION})) t
      WHERE p.id = t.id
     RETURNING p.id, t.old_r, t.old_f, t.old_m, t.old_group`
  )
  const [{ scored }] = await run<{ scored: number }>(
    `SELECT count(*)::int AS scored FROM personalization_customer_profile p WHERE ${RFM_POPULATION}`
  )
  const previous = (rows: typeof changed): RfmPrevious[] =>
    rows.map((x) => ({ id: x.id, r: x.old_r, f: x.old_f, m: x.old_m, group: x.old_group }))
  return { scored, changed: previous(changed), cleared: previous(cleared) }
}

/** Puts previous values back (compensation), in one statement per 5000 rows. */
export async function restoreRfmScores(run: Run, previous: readonly RfmPrevious[]) {
  for (let i = 0; i < previous.length; i += 5000) {
    const batch = previous.slice(i, i + 5000)
    await run(
      `UPDATE personalization_customer_profile p
          SET rfm_r = t.r, rfm_f = t.f, rfm_m = t.m, rfm_group = t.grp, updated_at = now()
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::text[]) AS t(id, r, f, m, grp)
        WHERE p.id = t.id`,
      [batch.map((x) => x.id), batch.map((x) => x.r), batch.map((x) => x.f), batch.map((x) => x.m), batch.map((x) => x.group)]
    )
  }
}

