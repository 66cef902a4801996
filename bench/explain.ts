/**
 * EXPLAIN (ANALYZE, BUFFERS) of the five queries the store routes and the pipeline run most (and the admin preview's
 * statement), on the bench data
 * (run by bench/run.mjs after the batch refresh; DATABASE_URL and a JSON list of segment ids on argv).
 * The SQL comes from the real builders where there is one (segmentSetSql for the batch diff).
 */
import fs from "node:fs"
import { Client } from "pg"
import { defaultCatalog, parse } from "../src/core/rules"
import { segmentSetSql } from "../src/lib/segments/segment-diff"
import { segmentPreviewSql } from "../src/lib/segments/segment-preview"

async function main() {
  const [segmentId, ruleText] = JSON.parse(process.argv[2] ?? "[]") as [string, string]
  const client = new Client({ connectionString: process.env.DATABASE_URL })
  await client.connect()
  const one = async (q: string, v: unknown[] = []) => (await client.query(q, v)).rows[0]
  const profile = await one(`SELECT id, visitor_id FROM personalization_customer_profile WHERE id LIKE 'pprof_bench_%' ORDER BY id OFFSET 4242 LIMIT 1`)
  const profiles = (await client.query(`SELECT id FROM personalization_customer_profile WHERE id LIKE 'pprof_bench_%' ORDER BY id DESC LIMIT 50`)).rows.map((r) => r.id)
  const now = new Date()
  const parsed = parse(ruleText) as unknown as { rule?: unknown }
  const rule = (parsed.rule ?? parsed) as any
  const set = segmentSetSql({ rule, purpose: "personalization", segment_id: segmentId }, now, { catalog: defaultCatalog, requireConsent: true })
  const preview = segmentPreviewSql({ rule, purpose: "personalization", segment_id: segmentId }, now, {
    catalog: defaultCatalog,
    requireConsent: true,
    sampleSize: 20,
  })
  const queries: { name: string; sql: string; values: unknown[] }[] = [
    {
      name: "1. store routes: subject → profile (every /store/personalization request)",
      sql: `SELECT * FROM personalization_customer_profile WHERE visitor_id = $1 AND customer_id IS NULL AND deleted_at IS NULL LIMIT 1`,
      values: [profile.visitor_id],
    },
    {
      name: "2. membership cache miss: open segment ids of up to 50 profiles",
      sql: `SELECT m.profile_id, array_agg(m.segment_id ORDER BY m.segment_id) AS segment_ids
              FROM personalization_segment_membership m
             WHERE m.profile_id = ANY($1::text[]) AND m.exited_at IS NULL AND m.deleted_at IS NULL
             GROUP BY m.profile_id`,
      values: [profiles],
    },
    {
      name: "3. pipeline: one profile's events in the longest window (evaluate-profile after POST events)",
      sql: `SELECT type, properties, occurred_at FROM personalization_behavior_event
             WHERE profile_id = $1 AND type = ANY($2::text[]) AND occurred_at >= $3 AND deleted_at IS NULL`,
      values: [profile.id, ["product_viewed", "x_cart_viewed", "x_search_performed"], new Date(now.getTime() - 30 * 86_400_000)],
    },
    {
      name: `4. batch refresh: the entry/exit diff of '${ruleText}'`,
      sql: `${set.ctes}
            SELECT 'enter' AS kind, NULL AS membership_id, t.id AS profile_id FROM target t WHERE NOT EXISTS (SELECT 1 FROM open o WHERE o.profile_id = t.id)
            UNION ALL
            SELECT 'exit', o.id, o.profile_id FROM open o WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.id = o.profile_id)`,
      values: set.values,
    },
    {
      name: "5. minute job: profiles whose next_change_at has come",
      sql: `SELECT id, customer_id FROM personalization_customer_profile
             WHERE next_change_at <= $1 AND deleted_at IS NULL ORDER BY next_change_at ASC LIMIT 500`,
      values: [now],
    },
    {
      name: `6. admin preview (count + 20 samples + entering/exiting, one statement) of '${ruleText}'`,
      sql: preview.text,
      values: preview.values,
    },
  ]
  const out: { name: string; plan: string }[] = []
  for (const q of queries) {
    const rows = (await client.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${q.sql}`, q.values)).rows
    out.push({ name: q.name, plan: rows.map((r) => r["QUERY PLAN"]).join("\n") })
  }
  await client.end()
  // To a file: the plans are longer than the tail of stdout the bench keeps.
  fs.writeFileSync(process.env.EXPLAIN_OUT ?? "bench-explain.json", JSON.stringify(out))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
