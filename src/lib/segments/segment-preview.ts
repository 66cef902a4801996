// The admin preview's one statement: count, entering/exiting counts and the three samples of a rule.
import type { Rule, TraitCatalog } from "../../core/rules"
import { segmentSetSql } from "./segment-diff"

export type PreviewSampleRow = { id: string; customer_id: string | null }
export type PreviewCounts = {
  count: number
  entering: number
  exiting: number
  sample: PreviewSampleRow[]
  entering_sample: PreviewSampleRow[]
  exiting_sample: PreviewSampleRow[]
}

/**
 * ONE read-only SELECT over the batch refresh's own sets (segmentSetSql: the compiled rule — every behavioural
 * window read in one grouped pass over the events — and the same consent gate): `target` is materialised once and
 * the count, the entering/exiting anti-joins against the open memberships and the samples all read it. Samples put
 * customers before visitor profiles, then order by id, so two previews of the same data show the same rows.
 * Without a segment, `open` is empty (entering = target, exiting = none).
 */
export function segmentPreviewSql(
  input: { rule: Rule; purpose: string; segment_id: string | null },
  now: Date,
  opts: { catalog: TraitCatalog; requireConsent: boolean; sampleSize: number }
): { text: string; values: unknown[] } {
  const { ctes, values } = segmentSetSql(input, now, opts)
  values.push(opts.sampleSize)
  const limit = `$${values.length}::int`
  const pick = (from: string) =>
    `(SELECT COALESCE(json_agg(json_build_object('id', s.id, 'customer_id', s.customer_id)), '[]'::json)
        FROM (SELECT id, customer_id FROM ${from} ORDER BY customer_id IS NULL, id LIMIT ${limit}) s)`
  return {
    text: `${ctes},
       entering AS (SELECT t.id, t.customer_id FROM target t WHERE NOT EXISTS (SELECT 1 FROM open o WHERE o.profile_id = t.id)),
       exiting AS (SELECT o.profile_id AS id, o.customer_id FROM open o WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.id = o.profile_id))
     SELECT (SELECT count(*) FROM target)::int AS count,
            (SELECT count(*) FROM entering)::int AS entering,
            (SELECT count(*) FROM exiting)::int AS exiting,
            ${pick("target")} AS sample,
            ${pick("entering")} AS entering_sample,
            ${pick("exiting")} AS exiting_sample`,
    values,
  }
}
