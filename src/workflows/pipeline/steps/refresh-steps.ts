// The three steps of refreshCustomerProfileWorkflow. The critical path from the event to visible rows is:
// lock → one parallel read (profile, account or orders/carts, segments) → one parallel read (events, open
// memberships) → plan in memory → [membership + profile transaction ‖ managed-group links]. Events and cart
// re-pricing come after the rows are visible.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { setTimeout as sleep } from "node:timers/promises"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { invalidateMemberships } from "../../../lib/cache"
import { repriceOpenCarts } from "../../../lib/pipeline/reprice-open-carts"
import { traceMark } from "../../../lib/pipeline/trace"
import { PROFILE_LOCK } from "../profile-lock"
import { computeCustomerTraits, type RefreshScope } from "./compute-customer-traits"
import { planProfileMemberships, type ProfilePlan } from "./plan-profile-memberships"
import { changeGroupLinks, undoGroupLinks, type GroupLinkChange } from "./group-links"
import { SEGMENT_ENTERED, SEGMENT_EXITED, type SegmentEventData } from "./membership-events"
import { planFactWrite, type FactWrite } from "../../../lib/behaviour/server-facts"

/** The profile columns a refresh writes (and its undo restores). */
const COLUMNS = [
  "orders_count", "total_spent", "aov", "currency_code", "first_order_at", "last_order_at", "carts_created",
  "carts_abandoned", "abandonment_rate", "country", "has_account", "email_domain", "customer_created_at", "traits",
] as const

export const refreshLockKey = (customerId: string) => `personalization:profile:${customerId}`

/** The locking module, retried until PROFILE_LOCK.timeout (as Medusa's acquireLockStep does). */
async function acquire(container: MedusaContainer, key: string): Promise<void> {
  const locking = container.resolve(Modules.LOCKING)
  const until = Date.now() + PROFILE_LOCK.timeout * 1000
  for (;;) {
    try {
      await locking.acquire(key, { expire: PROFILE_LOCK.ttl })
      return
    } catch (e) {
      if (Date.now() >= until) throw e
    }
    await sleep(300)
  }
}

async function release(container: MedusaContainer, key: string): Promise<void> {
  await container.resolve(Modules.LOCKING).release(key)
}

/** What the write step applies: the plan plus the profile values to write and to restore. */
export type PreparedRefresh = {
  customer_id: string
  customer_exists: boolean
  plan: ProfilePlan | null
  /** Traits to write in the membership transaction (null: nothing to write, e.g. the customer is gone). */
  write: Record<string, unknown> | null
  /** The profile's values before this run (id, the written columns, next_change_at), for the undo. */
  previous: (Record<string, unknown> & { id: string }) | null
  /** Taken by this run (false inside a parent workflow, which holds the same key itself). */
  locked: boolean
  /** Order and cart facts to write in the membership transaction (null: they already match Medusa's data). */
  facts: FactWrite | null
}

type PrepareUndo = { key: string | null; created: string | null }

/**
 * Takes the per-customer lock (skipped inside a parent workflow, like acquireLockStep: the parent takes the same
 * key), reads the customer's data, the stored profile and the active segments at once, computes the traits and
 * plans the memberships against the profile as it will be written (no write-then-read). Writes nothing, except
 * for a customer with no profile yet: that row is created here (the planner needs its id) and deleted by the
 * compensation. Compensation also releases the lock.
 */
export const prepareRefreshStep = createStep(
  "personalization-refresh-prepare",
  async (
    input: { customer_id: string; now: Date | string; scope?: RefreshScope },
    { container, parentStepIdempotencyKey }
  ) => {
    const key = parentStepIdempotencyKey ? null : refreshLockKey(input.customer_id)
    if (key) await acquire(container, key)
    traceMark(input.customer_id, "lock:acquired")
    let created: string | null = null
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    try {
      const now = new Date(input.now)
      const computed = await computeCustomerTraits(container, { customer_id: input.customer_id, now, scope: input.scope })
      const existing = (computed.existing ?? null) as (Record<string, unknown> & { id: string }) | null
      let profile: Record<string, unknown> | null = null
      let write: Record<string, unknown> | null = null
      let previous: PreparedRefresh["previous"] = null
      if (computed.traits && !existing) {
        const row = await service.createCustomerProfiles(computed.traits as unknown as Record<string, unknown>)
        created = row.id
        profile = row as unknown as Record<string, unknown>
      } else if (computed.traits && existing) {
        const data = computed.traits as unknown as Record<string, unknown>
        write = { ...data, traits: { ...((existing.traits as Record<string, unknown>) ?? {}), ...computed.traits.traits } }
        previous = { id: existing.id, next_change_at: existing.next_change_at ?? null }
        for (const k of COLUMNS) previous[k] = existing[k]
        // The row as the transaction will leave it. Money the refresh recomputed is read from the plain value
        // (an exact decimal string), not from the stored raw_ column.
        profile = { ...existing, ...write }
        for (const m of ["total_spent", "aov"]) if (m in data) delete profile[`raw_${m}`]
      } else if (existing) {
        previous = { id: existing.id, next_change_at: existing.next_change_at ?? null }
        profile = existing
      }
      const profileId = (profile?.id as string | undefined) ?? null
      // The facts the write will store; the planner evaluates the events as they will be (no write-then-read).
      const facts =
        profileId && computed.exists && computed.facts
          ? planFactWrite(profileId, computed.facts.changes, computed.facts.stored, now)
          : null
      const plan = await planProfileMemberships(container, {
        profile_id: profileId,
        profile,
        segments: computed.segments,
        now,
        leaveAll: !computed.exists,
        extraChangeAt: computed.cartsChangeAt,
        rawReads: true,
        facts: facts ? computed.facts!.changes : null,
      })
      return new StepResponse<PreparedRefresh, PrepareUndo>(
        { customer_id: input.customer_id, customer_exists: computed.exists, plan, write, previous, locked: !!key, facts },
        { key, created }
      )
    } catch (e) {
      // This step's own writes are undone here (whether or not the engine compensates a failed step).
      if (created) await service.deleteCustomerProfiles(created).catch(() => undefined)
      if (key) await release(container, key).catch(() => undefined)
      throw e
    }
  },
  async (undo, { container }) => {
    if (!undo) return
    if (undo.created) {
      const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
      await service.deleteCustomerProfiles(undo.created)
    }
    if (undo.key) await release(container, undo.key)
  }
)

type WriteUndo = {
  memberships: {
    created: string[]
    closed: string[]
    segment_ids: string[]
    profile: Record<string, unknown> & { id: string }
    facts: FactWrite | null
  } | null
  groups: GroupLinkChange | null
  profile_id: string | null
}

/**
 * Makes the plan visible: ONE transaction in the module (entries, exits, recount, the profile's traits and
 * next_change_at) and, concurrently, the managed-group links through the customer module. If either side
 * fails the other is undone before the error propagates; compensation undoes both.
 */
export const writeRefreshStep = createStep(
  "personalization-refresh-write",
  async (input: { prepared: PreparedRefresh; now: Date | string }, { container }) => {
    const { plan, write, previous } = input.prepared
    traceMark(input.prepared.customer_id, "write:start")
    if (!plan) return new StepResponse<void, WriteUndo | null>(undefined, null)
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const undo: WriteUndo = { memberships: null, groups: null, profile_id: plan.profile_id }
    const memberships = service
      .applyMembershipChanges({
        profile_id: plan.profile_id,
        customer_id: plan.customer_id,
        enter: plan.enter,
        exit: plan.exit,
        now: new Date(input.now),
        next_change_at: plan.next_change_at,
        profile: write,
        facts: input.prepared.facts,
        // Known when the profile existed before this run (a row created by the prepare step has none).
        ...(previous ? { previous_next_change_at: (previous.next_change_at as Date | null) ?? null } : {}),
      })
      .then((done) => {
        traceMark(plan.customer_id, "apply:committed")
        undo.memberships = {
          created: done.created,
          closed: done.closed,
          segment_ids: done.segment_ids,
          profile: previous ?? { id: plan.profile_id, next_change_at: done.previous_next_change_at },
          facts: input.prepared.facts,
        }
      })
    const wantIn = plan.enter.filter((e) => e.customer_group_id).map((e) => e.customer_group_id!)
    const wantOut = plan.exit.filter((e) => e.customer_group_id).map((e) => e.customer_group_id!)
    const groups =
      plan.customer_id && input.prepared.customer_exists && (wantIn.length || wantOut.length)
        ? changeGroupLinks(container, plan.customer_id, wantIn, wantOut).then((change) => {
            traceMark(plan.customer_id, "groups:end")
            undo.groups = change
          })
        : Promise.resolve()
    const results = await Promise.allSettled([memberships, groups])
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected")
    if (failed) {
      await undoWrite(container, undo)
      throw failed.reason
    }
    // Committed: the store's cached segments for this profile are stale now.
    await invalidateMemberships(container, [plan.profile_id])
    traceMark(plan.customer_id, "write:end")
    return new StepResponse<void, WriteUndo | null>(undefined, undo)
  },
  async (undo, { container }) => {
    if (undo) await undoWrite(container, undo)
  }
)

async function undoWrite(container: MedusaContainer, undo: WriteUndo): Promise<void> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  // Both sides are undone even if one of them fails (then the first failure is reported): a failed unlink must
  // not leave the membership rows open, nor a failed revert the links.
  const results = await Promise.allSettled([
    undoGroupLinks(container, undo.groups),
    undo.memberships ? service.revertMembershipChanges(undo.memberships) : Promise.resolve(),
  ])
  if (undo.profile_id) await invalidateMemberships(container, [undo.profile_id])
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected")
  if (failed) throw failed.reason
}

type FinishUndo = { eventGroupId: string } | null

/**
 * After the rows are visible: re-prices the customer's open carts when a managed group changed, emits
 * personalization.segment.entered / .exited into the workflow's event group (released only when the workflow
 * succeeds; compensation clears them) and releases the lock this run took.
 */
export const finishRefreshStep = createStep(
  "personalization-refresh-finish",
  async (input: { prepared: PreparedRefresh }, context) => {
    const { container, eventGroupId } = context
    const { plan, customer_id } = input.prepared
    traceMark(customer_id, "carts:start")
    let carts = 0
    const touchedGroups = [...(plan?.enter ?? []), ...(plan?.exit ?? [])].some((c) => c.customer_group_id)
    if (plan?.customer_id && touchedGroups) carts = await repriceOpenCarts(container, [plan.customer_id], "a segment change")
    let undo: FinishUndo = null
    if (plan && (plan.enter.length || plan.exit.length)) {
      const data = (kind: "enter" | "exit") =>
        plan[kind].map(
          (c): SegmentEventData => ({
            segment_id: c.segment_id,
            segment_handle: c.handle,
            customer_id: plan.customer_id,
            profile_id: plan.profile_id,
            reason: c.reason,
          })
        )
      const metadata = eventGroupId ? { eventGroupId } : {}
      const eventBus = container.resolve(Modules.EVENT_BUS)
      await eventBus.emit([
        ...data("enter").map((d) => ({ name: SEGMENT_ENTERED, data: d, metadata })),
        ...data("exit").map((d) => ({ name: SEGMENT_EXITED, data: d, metadata })),
      ])
      if (eventGroupId) undo = { eventGroupId }
    }
    // A failed release must not undo visible memberships: the lock expires after PROFILE_LOCK.ttl anyway.
    if (input.prepared.locked) await release(container, refreshLockKey(customer_id)).catch(() => undefined)
    traceMark(customer_id, "finish:end")
    return new StepResponse({ refreshed: carts }, undo)
  },
  async (undo, { container }) => {
    if (!undo) return
    await container
      .resolve(Modules.EVENT_BUS)
      .clearGroupedEvents(undo.eventGroupId, { eventNames: [SEGMENT_ENTERED, SEGMENT_EXITED] })
  }
)
