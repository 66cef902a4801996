// The admin preview's one statement: count, entering/exiting counts and the samples of a rule.
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
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
 * work_mem for the preview statement only (SET LOCAL in its read-only transaction). With the server default (4 MB)
 * the one-pass window aggregate (`GROUP BY profile_id` over a window's events: ~370k groups at 1M profiles for a
 * 7-day `cart_viewed`) and the materialised target spill to disk. The statement is an admin's dry run, one at a time.
 */
export const PREVIEW_WORK_MEM = "64MB"

/**
 * ONE read-only SELECT over the batch refresh's own sets (segmentSetSql: the compiled rule — every behavioural
 * window read in one grouped pass over the events — and the same consent gate): `target` is evaluated once
 * (materialised: it is read more than once) and the count and samples read it. Samples put customers before visitor
 * profiles, then order by id, so two previews of the same data show the same rows.
 * With a segment, the entering/exiting anti-joins against its open memberships read `target` too. Without one there
 * are no open memberships: entering is target and exiting is empty, so the statement computes neither (the caller,
 * previewSegment, fills them in) and `open` is never read.
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
  if (input.segment_id === null) {
    return {
      text: `${ctes}
     SELECT (SELECT count(*) FROM target)::int AS count,
            ${pick("target")} AS sample`,
      values,
    }
  }
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

type Resolver = { resolve<T = unknown>(key: string): T }
type PgClient = { query(text: string, values?: unknown[]): Promise<{ rows: any[] }> }
type Knex = { client: { acquireConnection(): Promise<PgClient>; releaseConnection(c: PgClient): Promise<void> } }

/**
 * Runs segmentPreviewSql on a connection of Medusa's pool inside `BEGIN READ ONLY` with `SET LOCAL work_mem`
 * (PREVIEW_WORK_MEM: the setting ends with the transaction, so the pooled connection goes back unchanged).
 */
export async function previewSegment(
  container: Resolver,
  input: { rule: Rule; purpose: string; segment_id: string | null },
  now: Date,
  opts: { catalog: TraitCatalog; requireConsent: boolean; sampleSize: number }
): Promise<PreviewCounts> {
  const { text, values } = segmentPreviewSql(input, now, opts)
  const knex = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
  const client = await knex.client.acquireConnection()
  try {
    await client.query("BEGIN READ ONLY")
    try {
      await client.query(`SET LOCAL work_mem = '${PREVIEW_WORK_MEM}'`)
      const { rows } = await client.query(text, values)
      await client.query("COMMIT")
      const row = rows[0] as PreviewCounts
      return input.segment_id === null
        ? { count: row.count, sample: row.sample, entering: row.count, entering_sample: row.sample, exiting: 0, exiting_sample: [] }
        : row
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {})
      throw e
    }
  } finally {
    await knex.client.releaseConnection(client)
  }
}
