import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { recordAuditStep, type AuditEntry } from "./steps/record-audit"

/** Records audit rows on their own (admin reads and exports, which change nothing else). */
export const recordAuditWorkflow = createWorkflow("personalization-record-audit", (input: { entries: AuditEntry[] }) => {
  const ids = recordAuditStep(input)
  return new WorkflowResponse(ids)
})
