import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { sql } from "../../../lib/db/raw-sql"
import { REFRESH_BATCH_SIZE } from "./apply-segment-refresh"

type Pair = { customer_id: string; customer_group_id: string }
export type GroupMirror = { added: number; removed: number }

const chunks = <T,>(xs: T[], n = REFRESH_BATCH_SIZE) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n))

/**
 * Makes the segment's managed customer group contain exactly the customers with an open membership — a full
 * reconciliation rather than replaying this run's diff, so drift (a failed real-time sync, a manual edit of the
 * managed group) is repaired too. Links change in batches; compensation reverses exactly the links changed.
 */
export const mirrorSegmentGroupStep = createStep(
  "personalization-mirror-segment-group",
  async (input: { segment_id: string; customer_group_id: string | null }, { container }) => {
    const none = new StepResponse<GroupMirror, { add: Pair[]; remove: Pair[] } | null>({ added: 0, removed: 0 }, null)
    if (!input.customer_group_id) return none
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const groupId = input.customer_group_id
    const [group] = await customers.listCustomerGroups({ id: groupId }, { select: ["id"] })
    if (!group) return none

    const members = await sql<{ customer_id: string }>(
      container,
      `SELECT DISTINCT customer_id FROM personalization_segment_membership
        WHERE segment_id = $1 AND exited_at IS NULL AND deleted_at IS NULL AND customer_id IS NOT NULL`,
      [input.segment_id]
    )
    const links = await customers.listCustomerGroupCustomers({ customer_group_id: groupId }, { select: ["customer_id"], take: null })
    const want = new Set(members.map((m) => m.customer_id))
    const have = new Set(links.map((l) => l.customer_id))
    let missing = [...want].filter((id) => !have.has(id))
    // A profile can outlive its customer; linking a customer that no longer exists would fail the whole batch.
    const existing = new Set<string>()
    for (const ids of chunks(missing)) {
      for (const c of await customers.listCustomers({ id: ids }, { select: ["id"], take: null })) existing.add(c.id)
    }
    missing = missing.filter((id) => existing.has(id))
    const add: Pair[] = missing.map((customer_id) => ({ customer_id, customer_group_id: groupId }))
    const remove: Pair[] = [...have].filter((id) => !want.has(id)).map((customer_id) => ({ customer_id, customer_group_id: groupId }))

    const done = { add: [] as Pair[], remove: [] as Pair[] }
    try {
      for (const batch of chunks(add)) {
        await customers.addCustomerToGroup(batch)
        done.add.push(...batch)
      }
      for (const batch of chunks(remove)) {
        await customers.removeCustomerFromGroup(batch)
        done.remove.push(...batch)
      }
    } catch (e) {
      await reverse(customers, done)
      throw e
    }
    return new StepResponse<GroupMirror, { add: Pair[]; remove: Pair[] } | null>({ added: add.length, removed: remove.length }, done)
  },
  async (done, { container }) => {
    if (done) await reverse(container.resolve(Modules.CUSTOMER), done)
  }
)

async function reverse(customers: ICustomerModuleService, done: { add: Pair[]; remove: Pair[] }) {
  for (const batch of chunks(done.remove)) await customers.addCustomerToGroup(batch)
  for (const batch of chunks(done.add)) await customers.removeCustomerFromGroup(batch)
}
