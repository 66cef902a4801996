import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { inTransaction } from "../../../lib/db/transaction"
import { sql } from "../../../lib/db/raw-sql"
import { behaviouralSegments } from "../../../lib/privacy/behavioural-segments"
import { recountMembersWith } from "../../../lib/segments/recount-members"
import { SERVER_FACT_TYPES } from "../../../core/behaviour"

type Pair = { customer_id: string; customer_group_id: string }
export type MarkedBehaviour = { event_ids: string[]; membership_ids: string[]; segment_ids: string[]; unlinked: Pair[] }

/**
 * Withdrawal of `personalization`: marks the subject's storefront-tracked events and its memberships (open and past)
 * in behavioural segments as deleted (order and cart facts recorded from Medusa's own data are transactional, like
 * the order traits, and stay: see ARCHITECTURE "Orders and carts as behaviour"), and takes the customer out of those segments' managed groups.
 * Marking (not deleting) keeps the step reversible; `purgeMarkedBehaviourStep` deletes the rows for good
 * once nothing after it can fail. Compensation un-marks and re-links.
 */
export const markBehaviourDeletedStep = createStep(
  "personalization-mark-behaviour-deleted",
  async (input: { profile_id: string; now: Date | string }, { container }) => {
    const segments = await behaviouralSegments(container)
    const groupOf = new Map(segments.map((s) => [s.id, s.customer_group_id]))
    const at = new Date(input.now).toISOString()
    const marked = await inTransaction(container, async (run) => {
      const events = await run<{ id: string }>(
        `UPDATE personalization_behavior_event SET deleted_at = $2
          WHERE profile_id = $1 AND deleted_at IS NULL AND NOT (type = ANY($3::text[])) RETURNING id`,
        [input.profile_id, at, SERVER_FACT_TYPES]
      )
      const memberships = segments.length
        ? await run<{ id: string; segment_id: string; customer_id: string | null; exited_at: Date | null }>(
            `UPDATE personalization_segment_membership SET deleted_at = $3
              WHERE profile_id = $1 AND segment_id = ANY($2::text[]) AND deleted_at IS NULL
              RETURNING id, segment_id, customer_id, exited_at`,
            [input.profile_id, segments.map((s) => s.id), at]
          )
        : []
      return { events, memberships }
    })
    const unlinkCandidates: Pair[] = marked.memberships
      .filter((m) => !m.exited_at && m.customer_id && groupOf.get(m.segment_id))
      .map((m) => ({ customer_id: m.customer_id!, customer_group_id: groupOf.get(m.segment_id)! }))
    const result: MarkedBehaviour = {
      event_ids: marked.events.map((e) => e.id),
      membership_ids: marked.memberships.map((m) => m.id),
      segment_ids: [...new Set(marked.memberships.map((m) => m.segment_id))],
      unlinked: [],
    }
    try {
      if (unlinkCandidates.length) {
        const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
        const current = await customers.listCustomerGroupCustomers(
          { customer_id: unlinkCandidates[0].customer_id, customer_group_id: unlinkCandidates.map((p) => p.customer_group_id) },
          { select: ["customer_group_id"], take: null }
        )
        const linked = new Set(current.map((c) => c.customer_group_id))
        result.unlinked = unlinkCandidates.filter((p) => linked.has(p.customer_group_id))
        if (result.unlinked.length) await customers.removeCustomerFromGroup(result.unlinked)
      }
      await recountMembersWith((text, values) => sql(container, text, values), result.segment_ids)
    } catch (e) {
      await unmark(container, result)
      throw e
    }
    return new StepResponse(result, result)
  },
  async (marked, { container }) => {
    if (!marked) return
    await unmark(container, marked)
  }
)

async function unmark(container: { resolve<T = unknown>(k: string): T }, marked: MarkedBehaviour) {
  await inTransaction(container, async (run) => {
    await run(`UPDATE personalization_behavior_event SET deleted_at = NULL WHERE id = ANY($1::text[])`, [marked.event_ids])
    await run(`UPDATE personalization_segment_membership SET deleted_at = NULL WHERE id = ANY($1::text[])`, [marked.membership_ids])
  })
  if (marked.unlinked.length) {
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.addCustomerToGroup(marked.unlinked)
  }
  await recountMembersWith((text, values) => sql(container, text, values), marked.segment_ids)
}

/** The last step of a withdrawal: deletes the marked rows for good (nothing after it can fail, so no undo). */
export const purgeMarkedBehaviourStep = createStep(
  "personalization-purge-marked-behaviour",
  async (input: { marked: MarkedBehaviour | null }, { container }) => {
    const m = input.marked
    if (!m) return new StepResponse({ events: 0, memberships: 0 })
    await inTransaction(container, async (run) => {
      await run(`DELETE FROM personalization_behavior_event WHERE id = ANY($1::text[]) AND deleted_at IS NOT NULL`, [m.event_ids])
      await run(`DELETE FROM personalization_segment_membership WHERE id = ANY($1::text[]) AND deleted_at IS NOT NULL`, [
        m.membership_ids,
      ])
    })
    return new StepResponse({ events: m.event_ids.length, memberships: m.membership_ids.length })
  }
)
