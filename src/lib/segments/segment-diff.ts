// The set-based half of a batch refresh: who should be in a segment now, compared with who is, in SQL.
import { compileSegmentQuery, type Rule, type TraitCatalog } from "../../core/rules"
import { sql } from "../db/raw-sql"
import type { Run } from "../db/transaction"

type Resolver = { resolve<T = unknown>(key: string): T }

export type RefreshSegment = {
  id: string
  handle: string
  rule: Rule
  rule_text: string
  status: "draft" | "active" | "archived"
  purpose: string
  customer_group_id: string | null
}

export type Entering = { profile_id: string; customer_id: string | null; reason: string }
export type Exiting = { membership_id: string; profile_id: string; customer_id: string | null; reason: string }
export type SegmentDiff = { enter: Entering[]; exit: Exiting[] }

/**
 * The CTEs the batch refresh and the admin preview select from (one definition of "who is in"):
 * `matched` = profiles the rule selects (compileSegmentQuery, values as parameters); `target` = matched and, when
 * consent is required, consented for `purpose` (the gate planMembership applies per subject); `open` = the segment's
 * open memberships (id, profile_id, customer_id), empty without a segment.
 */
export function segmentSetSql(
  input: { rule: Rule; purpose: string; segment_id: string | null },
  now: Date,
  opts: { catalog: TraitCatalog; requireConsent: boolean; inline?: boolean }
): { ctes: string; values: unknown[] } {
  // One pass over the profiles: the compiled rule also selects customer_id and the consent for `purpose`.
  const compiled = compileSegmentQuery(input.rule, now, opts.catalog, { consentPurpose: input.purpose })
  const values: unknown[] = [...compiled.values]
  // Every $n must appear in the text (Postgres cannot type an unused parameter), so each goes in only when used.
  const param = (v: unknown) => {
    values.push(v)
    return `$${values.length}::text`
  }
  const open =
    input.segment_id === null
      ? "SELECT NULL::text AS id, NULL::text AS profile_id, NULL::text AS customer_id WHERE false"
      : `SELECT m.id, m.profile_id, m.customer_id FROM personalization_segment_membership m
          WHERE m.segment_id = ${param(input.segment_id)} AND m.exited_at IS NULL AND m.deleted_at IS NULL`
  // inline: never materialise (a CTE read twice is, by default): the planner can then probe by profile id, instead of
  // rescanning a materialised CTE per row when it misjudges a row count (fresh rows not yet ANALYZEd).
  const as = opts.inline ? "AS NOT MATERIALIZED" : "AS"
  const ctes = `WITH matched ${as} (${compiled.text}),
       target ${as} (SELECT matched.id, matched.customer_id FROM matched${opts.requireConsent ? " WHERE matched.consented" : ""}),
       open ${as} (${open})`
  return { ctes, values }
}

/**
 * A membership id made by Postgres in the format the DML model's `model.id({ prefix: "psmem" })` gives
 * (generateEntityId: `<prefix>_<ULID>`, 26 Crockford base-32 characters): the 10-character ULID time part of the
 * statement's start (an uncorrelated sub-select, evaluated once per statement) followed by 16 hex digits (Crockford
 * digits too) of the md5 of a gen_random_uuid() drawn per row (64 random bits per id).
 */
export const MEMBERSHIP_ID_SQL =
  `('psmem_' || (SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ',` +
  ` (((floor(extract(epoch FROM now()) * 1000)::bigint) >> (5 * (9 - i))) & 31)::int + 1, 1), '' ORDER BY i)` +
  ` FROM generate_series(0, 9) AS i)` +
  ` || upper(substr(md5(gen_random_uuid()::text), 1, 16)))`

export const enterReason = (segment: RefreshSegment) => `batch refresh: ${segment.rule_text}`

/** work_mem for the refresh's writes (per hash/sort node; the diff of a 1M-profile segment spills at the 4 MB default). */
export const REFRESH_WORK_MEM = "64MB"

/**
 * The batch refresh's writes, set-based, in ONE transaction on `run` (no id or parameter arrays in JS), evaluating
 * the rule ONCE: the compiled rule's rows (`id, customer_id, consented`) go into a temporary table dropped at
 * commit, which is ANALYZEd (the anti-joins below are then planned on its real size, not on a guess about a CTE);
 * exits are one `UPDATE … WHERE NOT EXISTS` of the segment's open stays ("no longer matches"; before it, when
 * consent is required, one `UPDATE … WHERE EXISTS (matched, not consented)`: "no consent"), entries ONE `INSERT … SELECT … WHERE NOT EXISTS (open stay)` with ids made in SQL
 * (MEMBERSHIP_ID_SQL; ON CONFLICT DO NOTHING skips a stay a concurrent real-time run opened). A segment that is
 * not active enters nobody and closes every open stay. `now` is the evaluation time, written as entered_at /
 * exited_at (what compensation and the read-back recognise the run's rows by). `work_mem` is raised for this
 * transaction only (SET LOCAL).
 */
export async function applySegmentWrites(
  run: Run,
  segment: RefreshSegment,
  now: Date,
  opts: { catalog: TraitCatalog; requireConsent: boolean }
): Promise<{ entered: number; exited: number }> {
  const at = now.toISOString()
  await run(`SET LOCAL work_mem = '${REFRESH_WORK_MEM}'`)
  if (segment.status !== "active") {
    const [{ n }] = await run<{ n: number }>(
      `WITH gone AS (
         UPDATE personalization_segment_membership m
            SET exited_at = $2::timestamptz, exit_reason = $3::text, updated_at = now()
          WHERE m.segment_id = $1::text AND m.exited_at IS NULL AND m.deleted_at IS NULL
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [segment.id, at, `batch refresh: segment is ${segment.status}`]
    )
    return { entered: 0, exited: n }
  }
  const compiled = compileSegmentQuery(segment.rule, now, opts.catalog, { consentPurpose: segment.purpose })
  await run(`CREATE TEMPORARY TABLE ${TARGET_TABLE} (id text NOT NULL, customer_id text, consented boolean NOT NULL) ON COMMIT DROP`)
  await run(`INSERT INTO ${TARGET_TABLE} (id, customer_id, consented) SELECT id, customer_id, consented FROM (${compiled.text}) matched`, compiled.values)
  await run(`ANALYZE ${TARGET_TABLE}`)
  const inTarget = opts.requireConsent ? "t.consented" : "true"
  // Exits first (they read the open stays before the entries add to them), as predicates on the segment's open
  // stays themselves — (EXISTS / NOT EXISTS against the target table: hash semi/anti joins over the segment's rows
  // only; a join to a derived table made the planner seq-scan the whole membership table to find the rows to
  // update). A profile still matched but without consent leaves with its own reason.
  const exit = (reason: string, cond: string) =>
    run<{ n: number }>(
      `WITH gone AS (
         UPDATE personalization_segment_membership m
            SET exited_at = $2::timestamptz, exit_reason = $3::text, updated_at = now()
          WHERE m.segment_id = $1::text AND m.exited_at IS NULL AND m.deleted_at IS NULL AND ${cond}
         RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [segment.id, at, reason]
    )
  let exited = 0
  if (opts.requireConsent) {
    const [{ n }] = await exit(
      `batch refresh: no consent for '${segment.purpose}'`,
      `EXISTS (SELECT 1 FROM ${TARGET_TABLE} t WHERE t.id = m.profile_id AND NOT t.consented)`
    )
    exited += n
  }
  const [{ n: unmatched }] = await exit(
    `batch refresh: no longer matches ${segment.rule_text}`,
    `NOT EXISTS (SELECT 1 FROM ${TARGET_TABLE} t WHERE t.id = m.profile_id)`
  )
  exited += unmatched
  const [{ n: entered }] = await run<{ n: number }>(
    `WITH ins AS (
       INSERT INTO personalization_segment_membership
         (id, segment_id, profile_id, customer_id, entered_at, reason, created_at, updated_at)
       SELECT ${MEMBERSHIP_ID_SQL}, $1::text, t.id, t.customer_id, $2::timestamptz, $3::text, now(), now()
         FROM ${TARGET_TABLE} t
        WHERE ${inTarget}
          AND NOT EXISTS (SELECT 1 FROM personalization_segment_membership o
                           WHERE o.segment_id = $1::text AND o.profile_id = t.id AND o.exited_at IS NULL AND o.deleted_at IS NULL)
       -- only the one-open-stay index: an id collision must fail loudly, not drop an entry
       ON CONFLICT (segment_id, profile_id) WHERE exited_at IS NULL AND deleted_at IS NULL DO NOTHING
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [segment.id, at, enterReason(segment)]
  )
  return { entered, exited }
}

/** The refresh's per-transaction copy of the rule's result (ON COMMIT DROP). */
const TARGET_TABLE = "personalization_refresh_target"

/**
 * `matched` = profiles the rule selects (compileSegmentQuery, values as parameters); `target` = matched and, when
 * consent is required, consented for the segment's purpose — the same gate planMembership applies per subject.
 * Entries and exits are anti-joins of target against the open memberships. A segment that is not active has an
 * empty target: only active segments have members.
 */
export async function diffSegment(
  container: Resolver,
  segment: RefreshSegment,
  now: Date,
  opts: { catalog: TraitCatalog; requireConsent: boolean }
): Promise<SegmentDiff> {
  const open = `SELECT m.id, m.profile_id, m.customer_id FROM personalization_segment_membership m
                 WHERE m.segment_id = $SEG AND m.exited_at IS NULL AND m.deleted_at IS NULL`
  if (segment.status !== "active") {
    const rows = await sql<{ id: string; profile_id: string; customer_id: string | null }>(
      container,
      open.replace("$SEG", "$1"),
      [segment.id]
    )
    const reason = `batch refresh: segment is ${segment.status}`
    return { enter: [], exit: rows.map((r) => ({ membership_id: r.id, profile_id: r.profile_id, customer_id: r.customer_id, reason })) }
  }

  const { ctes, values } = segmentSetSql({ rule: segment.rule, purpose: segment.purpose, segment_id: segment.id }, now, opts)

  const rows = await sql<{ kind: "enter" | "exit"; membership_id: string | null; profile_id: string; customer_id: string | null; matched: boolean }>(
    container,
    `${ctes}
     SELECT 'enter' AS kind, NULL AS membership_id, t.id AS profile_id, t.customer_id, true AS matched
       FROM target t WHERE NOT EXISTS (SELECT 1 FROM open o WHERE o.profile_id = t.id)
     UNION ALL
     SELECT 'exit', o.id, o.profile_id, o.customer_id, EXISTS (SELECT 1 FROM matched WHERE matched.id = o.profile_id)
       FROM open o WHERE NOT EXISTS (SELECT 1 FROM target t WHERE t.id = o.profile_id)`,
    values
  )

  const enterReason = `batch refresh: ${segment.rule_text}`
  const noLonger = `batch refresh: no longer matches ${segment.rule_text}`
  const noConsent = `batch refresh: no consent for '${segment.purpose}'`
  return {
    enter: rows
      .filter((r) => r.kind === "enter")
      .map((r) => ({ profile_id: r.profile_id, customer_id: r.customer_id, reason: enterReason })),
    exit: rows
      .filter((r) => r.kind === "exit")
      .map((r) => ({
        membership_id: r.membership_id!,
        profile_id: r.profile_id,
        customer_id: r.customer_id,
        reason: r.matched ? noConsent : noLonger,
      })),
  }
}
