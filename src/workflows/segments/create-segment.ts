import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { assertHandleFreeStep } from "./steps/assert-handle-free"
import { prepareSegmentRuleStep } from "./steps/prepare-segment-rule"
import { createSegmentStep } from "./steps/create-segment"
import { ensureManagedGroupStep } from "./steps/ensure-managed-group"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"
import { refreshSegmentWorkflow } from "./refresh-segment"

export type CreateSegmentInput = {
  handle: string
  name: string
  description?: string | null
  rule?: unknown
  rule_text?: string
  status?: "draft" | "active"
  purpose?: string
  is_public?: boolean
  /** Who made the change, for the audit log (default: system). */
  actor?: AuditActor
}

/**
 * Creates a segment and its managed customer group (so promotions and price lists can be gated on it
 * even before it is activated). Any failure removes what was made.
 */
export const createSegmentWorkflow = createWorkflow("personalization-create-segment", (input: CreateSegmentInput) => {
  assertHandleFreeStep({ handle: input.handle })
  const prepared = prepareSegmentRuleStep(
    transform({ input }, ({ input }) => ({
      segment_id: null,
      handle: input.handle,
      status: input.status ?? "draft",
      rule: input.rule,
      rule_text: input.rule_text,
    }))
  )
  const data = transform({ input, prepared }, ({ input, prepared }) => ({
    handle: input.handle,
    name: input.name,
    description: input.description ?? null,
    rule: prepared.rule as unknown as Record<string, unknown>,
    rule_text: prepared.rule_text,
    status: input.status ?? ("draft" as const),
    purpose: input.purpose ?? "personalization",
    is_public: input.is_public ?? false,
  }))
  const segment = createSegmentStep(data)
  const groupId = ensureManagedGroupStep(transform({ segment }, ({ segment }) => ({ segment_id: segment.id })))
  // An active segment is backfilled at once (batch refresh), so it has its members when the call returns.
  when("backfill-active", { segment }, ({ segment }) => segment.status === "active").then(() => {
    refreshSegmentWorkflow.runAsStep({ input: { segment_id: segment.id } })
  })
  recordAuditStep(
    transform({ input, segment }, ({ input, segment }) => ({
      entries: [
        {
          ...(input.actor ?? SYSTEM_ACTOR),
          action: "segment.created",
          target_type: "segment",
          target_id: segment.id,
          details: { handle: segment.handle, status: segment.status, purpose: segment.purpose, rule_text: segment.rule_text },
        },
      ],
    }))
  )
  const result = transform({ segment, groupId }, ({ segment, groupId }) => ({ ...segment, customer_group_id: groupId }))
  return new WorkflowResponse(result)
})
