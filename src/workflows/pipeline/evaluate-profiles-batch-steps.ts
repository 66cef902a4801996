// Steps of evaluate-profiles-batch (the tracked-events micro-batch). Each one is the set-based counterpart of a
// step of evaluate-profile (steps/claim-evaluation, plan-profile-memberships, apply-membership-plan,
// sync-managed-groups): one statement or one transaction for all the batch's profiles instead of one per profile.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { entityIds } from "../../lib/db/entity-ids"
import type { ICustomerModuleService, ILockingModule } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { sql } from "../../lib/db/raw-sql"
import { inTransaction } from "../../lib/db/transaction"
import { recountMembersWith } from "../../lib/segments/recount-members"
import { invalidateMemberships } from "../../lib/cache"
import { loadActiveSegments } from "../../lib/profile/load-subject"
import { planProfilesBatch } from "../../lib/pipeline/batch-plan"
import { repriceOpenCarts } from "../../lib/pipeline/reprice-open-carts"
import type { ProfilePlan } from "./steps/plan-profile-memberships"
import { PROFILE_LOCK } from "./profile-lock"
import { undoGroupLinks } from "./steps/group-links"

export type BatchSubject = { profile_id: string; customer_id?: string | null; at?: string | null }

/** The pipeline's per-subject lock key (the same keys evaluate-profile and refresh-customer-profile take). */
export const subjectLockKey = (s: BatchSubject) =>
  s.customer_id ? `personalization:profile:${s.customer_id}` : `personalization:profile-id:${s.profile_id}`

/**
 * Takes each subject's pipeline lock WITHOUT waiting: a subject whose lock is held (a refresh or evaluation of it
 * is running) is left out of this batch and returned in `busy`, for the caller's one-subject path (which waits
 * for the lock). Acquired one key at a time because the in-memory provider does not release the keys it already
 * took when a later key of the same call fails. Compensation releases what was taken.
 */
export const lockSubjectsStep = createStep(
  "personalization-batch-lock-subjects",
  async (input: { subjects: BatchSubject[] }, { container }) => {
    const locking: ILockingModule = container.resolve(Modules.LOCKING)
    const locked: BatchSubject[] = []
    const busy: BatchSubject[] = []
    const keys: string[] = []
    const seen = new Set<string>()
    for (const s of input.subjects) {
      const key = subjectLockKey(s)
      // Two queued profiles under one key (a customer's profile erased and made again): the second waits for the
      // one-subject path rather than being dropped.
      if (seen.has(key)) {
        busy.push(s)
        continue
      }
      seen.add(key)
      try {
        await locking.acquire(key, { expire: PROFILE_LOCK.ttl })
        locked.push(s)
        keys.push(key)
      } catch {
        busy.push(s)
      }
    }
    return new StepResponse({ locked, busy, keys }, keys)
  },
  async (keys, { container }) => {
    if (!keys?.length) return
    const locking: ILockingModule = container.resolve(Modules.LOCKING)
    await locking.release(keys).catch(() => undefined)
  }
)

export const releaseSubjectsStep = createStep(
  "personalization-batch-release-subjects",
  async (input: { keys: string[] }, { container }) => {
    if (!input.keys.length) return new StepResponse(undefined)
    const locking: ILockingModule = container.resolve(Modules.LOCKING)
    // A failed release must not undo a committed, visible batch: the locks expire after PROFILE_LOCK.ttl anyway.
    await locking.release(input.keys).catch(() => undefined)
    return new StepResponse(undefined)
  }
)

export type BatchClaim = { profile_id: string; customer_id: string | null; started: string; keep_change_at: Date | null }

/**
 * startEvaluationStep for many profiles in ONE statement: takes their profile ROW locks (in id order, for the
 * length of the statement) and reads the clock after them, so every batch stamped before `started` is committed
 * and every later one is stamped after it (the argument in steps/claim-evaluation.ts, unchanged). Skips a
 * profile that is gone, merged, or covered by a completed evaluation that started at or after its `at`.
 * Read-only.
 */
export const claimBatchStep = createStep(
  "personalization-batch-claim",
  async (input: { subjects: BatchSubject[]; now: Date }, { container }) => {
    if (!input.subjects.length) return new StepResponse<BatchClaim[]>([])
    const rows = await sql<{
      id: string
      started: string
      covered: boolean
      next_change_at: Date | null
      customer_id: string | null
      merged: boolean
    }>(
      container,
      `WITH wanted AS (
         SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS w(id, seen_at)
       ), locked AS MATERIALIZED (
         SELECT p.id, p.evaluated_at, p.next_change_at, p.customer_id, p.merged_into_id
           FROM personalization_customer_profile p
          WHERE p.id IN (SELECT id FROM wanted) AND p.deleted_at IS NULL
          ORDER BY p.id FOR UPDATE
       )
       SELECT l.id, clock_timestamp()::text AS started,
              (w.seen_at IS NOT NULL AND l.evaluated_at IS NOT NULL AND l.evaluated_at >= w.seen_at) AS covered,
              l.next_change_at, l.customer_id, l.merged_into_id IS NOT NULL AS merged
         FROM locked l JOIN wanted w ON w.id = l.id`,
      [input.subjects.map((s) => s.profile_id), input.subjects.map((s) => s.at ?? null)]
    )
    const nowMs = new Date(input.now).getTime()
    const claims: BatchClaim[] = []
    for (const row of rows) {
      if (row.covered || row.merged) continue
      const next = row.next_change_at ? new Date(row.next_change_at) : null
      // Customers keep a still-future scheduled change (as evaluate-profile does with keep_scheduled).
      const keep = row.customer_id && next && next.getTime() > nowMs ? next : null
      claims.push({ profile_id: row.id, customer_id: row.customer_id, started: row.started, keep_change_at: keep })
    }
    return new StepResponse(claims)
  }
)

/** Plans all claimed profiles set-based (lib/pipeline/batch-plan.ts). Read-only. */
export const planBatchStep = createStep(
  "personalization-batch-plan",
  async (input: { claims: BatchClaim[]; now: Date }, { container }) => {
    if (!input.claims.length) return new StepResponse<ProfilePlan[]>([])
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const segments = await loadActiveSegments(service)
    const plans = await planProfilesBatch(
      container,
      service,
      input.claims.map((c) => ({ profile_id: c.profile_id, keep_change_at: c.keep_change_at })),
      segments,
      new Date(input.now)
    )
    return new StepResponse(plans)
  }
)

type ApplyUndo = { created: string[]; closed: string[]; segment_ids: string[]; previous: { id: string; next_change_at: string | null }[] }

/**
 * All the batch's membership writes in ONE transaction: one INSERT for every entry, one UPDATE for every exit,
 * one UPDATE for every profile's next_change_at, one recount of the touched segments (locked in id order, as
 * every recount does). Compensation removes the opened rows, reopens the closed ones, restores next_change_at.
 */
export const applyBatchStep = createStep(
  "personalization-batch-apply",
  async (input: { plans: ProfilePlan[]; now: Date }, { container }) => {
    if (!input.plans.length) return new StepResponse<ProfilePlan[], ApplyUndo | null>([], null)
    const now = new Date(input.now).toISOString()
    const entries = input.plans.flatMap((p) =>
      p.enter.map((e) => ({ id: "", segment_id: e.segment_id, profile_id: p.profile_id, customer_id: p.customer_id, reason: e.reason }))
    )
    entityIds("psmem", entries.length).forEach((id, i) => (entries[i].id = id))
    const exits = input.plans.flatMap((p) => p.exit.map((e) => ({ id: e.membership_id, reason: e.reason })))
    const segment_ids = [...new Set(input.plans.flatMap((p) => [...p.enter, ...p.exit].map((c) => c.segment_id)))]
    const written = { entered: new Set<string>(), exited: new Set<string>() }
    const undo = await inTransaction(container, async (run) => {
      // A batch refresh of the same segment writes exits then entries in one transaction: the same order here,
      // so the two never wait on each other crosswise (deadlock); and a bounded wait, after which the batch
      // compensates and its subjects take the one-subject path.
      await run(`SET LOCAL lock_timeout = '5s'`)
      const closedRows = exits.length
        ? await run<{ id: string; segment_id: string; profile_id: string }>(
            `UPDATE personalization_segment_membership m
                SET exited_at = $2::timestamptz, exit_reason = x.reason, updated_at = now()
               FROM jsonb_to_recordset($1::jsonb) AS x(id text, reason text)
              WHERE m.id = x.id AND m.exited_at IS NULL
             RETURNING m.id, m.segment_id, m.profile_id`,
            [JSON.stringify(exits), now]
          )
        : []
      // An entry a concurrent refresh already made is skipped (the one-open-stay index), not an error for 50 subjects.
      const createdRows = entries.length
        ? await run<{ id: string; segment_id: string; profile_id: string }>(
            `INSERT INTO personalization_segment_membership (id, segment_id, profile_id, customer_id, entered_at, reason, created_at, updated_at)
             SELECT e.id, e.segment_id, e.profile_id, e.customer_id, $2::timestamptz, e.reason, now(), now()
               FROM jsonb_to_recordset($1::jsonb) AS e(id text, segment_id text, profile_id text, customer_id text, reason text)
             ON CONFLICT (segment_id, profile_id) WHERE exited_at IS NULL AND deleted_at IS NULL DO NOTHING
             RETURNING id, segment_id, profile_id`,
            [JSON.stringify(entries), now]
          )
        : []
      const created = createdRows.map((r) => r.id)
      const closed = closedRows.map((r) => r.id)
      written.entered = new Set(createdRows.map((r) => `${r.profile_id} ${r.segment_id}`))
      written.exited = new Set(closedRows.map((r) => `${r.profile_id} ${r.segment_id}`))
      const previous = await run<{ id: string; next_change_at: string | null }>(
        `WITH x AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id text, next_change_at timestamptz)),
              prev AS (SELECT p.id, p.next_change_at FROM personalization_customer_profile p JOIN x ON x.id = p.id)
         UPDATE personalization_customer_profile c SET next_change_at = x.next_change_at, updated_at = now()
           FROM x, prev WHERE c.id = x.id AND prev.id = x.id
         RETURNING c.id, prev.next_change_at::text AS next_change_at`,
        [JSON.stringify(input.plans.map((p) => ({ id: p.profile_id, next_change_at: p.next_change_at ? new Date(p.next_change_at).toISOString() : null })))]
      )
      await recountMembersWith(run, segment_ids)
      return { created, closed, segment_ids, previous } as ApplyUndo
    })
    // Committed: the store's cached segments for these profiles are stale now.
    await invalidateMemberships(container, input.plans.map((p) => p.profile_id))
    // The plans as written: an entry or exit a concurrent run made first is dropped, so groups and events follow
    // the rows that this run actually changed.
    const applied: ProfilePlan[] = input.plans.map((p) => ({
      ...p,
      enter: p.enter.filter((c) => written.entered.has(`${p.profile_id} ${c.segment_id}`)),
      exit: p.exit.filter((c) => written.exited.has(`${p.profile_id} ${c.segment_id}`)),
    }))
    return new StepResponse(applied, undo)
  },
  async (undo, { container }) => {
    if (!undo) return
    await inTransaction(container, async (run) => {
      if (undo.created.length) await run(`DELETE FROM personalization_segment_membership WHERE id = ANY($1::text[])`, [undo.created])
      if (undo.closed.length) {
        // Reopen unless a newer stay is open by now (the one-open-stay index would refuse it and abort the undo).
        await run(
          `UPDATE personalization_segment_membership m SET exited_at = NULL, exit_reason = NULL, updated_at = now()
            WHERE m.id = ANY($1::text[])
              AND NOT EXISTS (
                SELECT 1 FROM personalization_segment_membership o
                 WHERE o.segment_id = m.segment_id AND o.profile_id = m.profile_id AND o.exited_at IS NULL AND o.deleted_at IS NULL)`,
          [undo.closed]
        )
      }
      await run(
        `UPDATE personalization_customer_profile c SET next_change_at = x.next_change_at
           FROM jsonb_to_recordset($1::jsonb) AS x(id text, next_change_at timestamptz) WHERE c.id = x.id`,
        [JSON.stringify(undo.previous)]
      )
      await recountMembersWith(run, undo.segment_ids)
    })
    await invalidateMemberships(container, undo.previous.map((p) => p.id))
  }
)

type Pair = { customer_id: string; customer_group_id: string }

/** sync-managed-groups for all the batch's customers: one read of their links, one add, one remove. */
export const syncGroupsBatchStep = createStep(
  "personalization-batch-sync-groups",
  async (input: { plans: ProfilePlan[] }, { container }) => {
    const withGroups = input.plans.filter((p) => p.customer_id && [...p.enter, ...p.exit].some((c) => c.customer_group_id))
    if (!withGroups.length) return new StepResponse(undefined, null as { add: Pair[]; remove: Pair[] } | null)
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const groupIds = [...new Set(withGroups.flatMap((p) => [...p.enter, ...p.exit].map((c) => c.customer_group_id).filter((g): g is string => !!g)))]
    const current = await customers.listCustomerGroupCustomers(
      { customer_id: withGroups.map((p) => p.customer_id!), customer_group_id: groupIds },
      { select: ["customer_id", "customer_group_id"], take: null }
    )
    const linked = new Set(current.map((c) => `${c.customer_id} ${c.customer_group_id}`))
    const add: Pair[] = []
    const remove: Pair[] = []
    for (const p of withGroups) {
      for (const e of p.enter) {
        if (e.customer_group_id && !linked.has(`${p.customer_id} ${e.customer_group_id}`)) add.push({ customer_id: p.customer_id!, customer_group_id: e.customer_group_id })
      }
      for (const e of p.exit) {
        if (e.customer_group_id && linked.has(`${p.customer_id} ${e.customer_group_id}`)) remove.push({ customer_id: p.customer_id!, customer_group_id: e.customer_group_id })
      }
    }
    // Both sides run; if one fails the other is put back before the failure is reported (a failing step gets no
    // compensation of its own, and the membership undo must not leave links behind).
    const [added, removed] = await Promise.allSettled([
      add.length ? customers.addCustomerToGroup(add) : Promise.resolve(),
      remove.length ? customers.removeCustomerFromGroup(remove) : Promise.resolve(),
    ])
    if (added.status === "rejected" || removed.status === "rejected") {
      await undoGroupLinks(container, { add: added.status === "fulfilled" ? add : [], remove: removed.status === "fulfilled" ? remove : [] })
      throw (added.status === "rejected" ? added.reason : (removed as PromiseRejectedResult).reason) as Error
    }
    return new StepResponse(undefined, { add, remove })
  },
  async (undo, { container }) => {
    await undoGroupLinks(container, undo)
  }
)

/** Re-prices the open carts of the batch's customers whose managed groups changed (best effort, as one profile's). */
export const repriceBatchStep = createStep(
  "personalization-batch-reprice-carts",
  async (input: { plans: ProfilePlan[] }, { container }) => {
    const ids = input.plans.filter((p) => p.customer_id && [...p.enter, ...p.exit].some((c) => c.customer_group_id)).map((p) => p.customer_id!)
    if (!ids.length) return new StepResponse({ refreshed: 0 })
    return new StepResponse({ refreshed: await repriceOpenCarts(container, ids, "a segment change") })
  }
)

type RecordUndo = { id: string; previous: string | null; recorded: string }[]

/** recordEvaluationStep for all claimed profiles: evaluated_at = GREATEST(evaluated_at, started), one UPDATE. */
export const recordBatchStep = createStep(
  "personalization-batch-record",
  async (input: { claims: BatchClaim[] }, { container }) => {
    if (!input.claims.length) return new StepResponse(undefined, null as RecordUndo | null)
    const rows = await sql<{ id: string; previous: string | null; recorded: string }>(
      container,
      `WITH x AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS x(id, started)),
            prev AS (SELECT p.id, p.evaluated_at FROM personalization_customer_profile p JOIN x ON x.id = p.id)
       UPDATE personalization_customer_profile c
          SET evaluated_at = GREATEST(COALESCE(c.evaluated_at, x.started), x.started)
         FROM x, prev WHERE c.id = x.id AND prev.id = x.id
       RETURNING c.id, prev.evaluated_at::text AS previous, c.evaluated_at::text AS recorded`,
      [input.claims.map((c) => c.profile_id), input.claims.map((c) => c.started)]
    )
    return new StepResponse(undefined, rows as RecordUndo | null)
  },
  async (undo, { container }) => {
    if (!undo?.length) return
    await sql(
      container,
      `UPDATE personalization_customer_profile c SET evaluated_at = x.previous
         FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS x(id, previous, recorded)
        WHERE c.id = x.id AND c.evaluated_at = x.recorded`,
      [undo.map((u) => u.id), undo.map((u) => u.previous), undo.map((u) => u.recorded)]
    )
  }
)
