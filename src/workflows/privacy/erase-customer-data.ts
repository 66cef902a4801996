import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, emitEventStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import { SEGMENT_EXITED } from "../pipeline/steps/membership-events"
import { unlinkManagedGroupsStep } from "./steps/unlink-managed-groups"
import { eraseCustomerDataStep } from "./steps/erase-customer-data"
import type { AuditEntry } from "./steps/record-audit"

export type EraseCustomerDataInput = {
  customer_id: string
  purposes: string[]
  source: "store" | "admin"
  audit?: AuditEntry | null
  now?: Date | string
}

/**
 * GDPR erasure for one customer: out of every managed customer group (undone if the erasure fails), then
 * the plugin's data erased in one transaction. Serialized with the real-time pipeline by its per-customer
 * lock, so a concurrent refresh cannot re-create half a profile in between.
 */
export const eraseCustomerDataWorkflow = createWorkflow(
  "personalization-erase-customer-data",
  (input: EraseCustomerDataInput) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    const lockKey = transform({ input }, ({ input }) => `personalization:profile:${input.customer_id}`)
    acquireLockStep({ key: lockKey, timeout: 30, ttl: 120 })
    const unlinked = unlinkManagedGroupsStep({ customer_id: input.customer_id })
    const erased = eraseCustomerDataStep(
      transform({ input, now }, ({ input, now }) => ({
        customer_id: input.customer_id,
        purposes: input.purposes,
        source: input.source,
        audit: input.audit ?? null,
        now,
      }))
    )
    emitEventStep({ eventName: SEGMENT_EXITED, data: transform({ erased }, ({ erased }) => erased.exited) }).config({
      name: "personalization-erase-emit-exited",
    })
    releaseLockStep({ key: lockKey })
    return new WorkflowResponse(
      transform({ erased, unlinked }, ({ erased, unlinked }) => {
        const { exited, ...counts } = erased
        return { ...counts, segments_exited: exited.length, groups_unlinked: unlinked.length }
      })
    )
  }
)
