import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { segmentReferences } from "../../core/rules"
import { retrieveSegmentStep } from "./steps/retrieve-segment"
import { assertHandleFreeStep } from "./steps/assert-handle-free"
import { prepareSegmentRuleStep } from "./steps/prepare-segment-rule"
import { assertSegmentUnreferencedStep } from "./steps/assert-segment-unreferenced"
import { checkStoredReferencesStep } from "./steps/check-stored-references"
import { relabelSegmentReferencesStep } from "./steps/relabel-segment-references"
import { updateSegmentStep } from "./steps/update-segment"
import { renameManagedGroupStep } from "./steps/rename-managed-group"
import { ensureManagedGroupStep } from "./steps/ensure-managed-group"
import { emptyManagedGroupStep } from "./steps/empty-managed-group"
import { closeMembershipsStep } from "./steps/close-memberships"
import { repriceRemovedMembersCartsStep } from "./steps/reprice-removed-members-carts"
import { recordAuditStep } from "../privacy/steps/record-audit"
import { SYSTEM_ACTOR, type AuditActor } from "../../lib/privacy/audit"
import { refreshSegmentWorkflow } from "./refresh-segment"

export type UpdateSegmentInput = {
  id: string
  handle?: string
  name?: string
  description?: string | null
  rule?: unknown
  rule_text?: string
  status?: "draft" | "active" | "archived"
  purpose?: string
  is_public?: boolean
  /** Who made the change, for the audit log (default: system). */
  actor?: AuditActor
}

const FIELDS = ["handle", "name", "description", "status", "purpose", "is_public"] as const

/**
 * Updates a segment; any real change bumps `version`. Renaming renames the managed group,
 * activating (re)creates it, archiving empties it and closes every open membership.
 */
export const updateSegmentWorkflow = createWorkflow("personalization-update-segment", (input: UpdateSegmentInput) => {
  const existing = retrieveSegmentStep({ id: input.id })

  when("handle-changed", { input, existing }, ({ input, existing }) => !!input.handle && input.handle !== existing.handle).then(
    () => {
      assertHandleFreeStep({ handle: input.handle! })
    }
  )

  // The rule's references are checked on every change of the rule, the handle or the status (activation included):
  // with the rule when one is given, else the stored one. Archiving is refused while others reference the segment.
  const after = transform({ input, existing }, ({ input, existing }) => ({
    segment_id: existing.id,
    handle: input.handle ?? existing.handle,
    status: input.status ?? existing.status,
    rule_given: input.rule !== undefined || input.rule_text !== undefined,
    handle_changed: input.handle !== undefined && input.handle !== existing.handle,
    status_changed: input.status !== undefined && input.status !== existing.status,
  }))

  const prepared = when("rule-given", { after }, ({ after }) => after.rule_given).then(() =>
    prepareSegmentRuleStep(
      transform({ input, after }, ({ input, after }) => ({
        segment_id: after.segment_id,
        handle: after.handle,
        status: after.status,
        rule: input.rule,
        rule_text: input.rule_text,
      }))
    )
  )
  when(
    "references-recheck",
    { after },
    ({ after }) => !after.rule_given && after.status !== "archived" && (after.handle_changed || after.status_changed)
  ).then(() => {
    checkStoredReferencesStep(
      transform({ after }, ({ after }) => ({
        segment_id: after.segment_id,
        handle: after.handle,
        status: after.status,
        field: after.status_changed ? "status" : "handle",
      }))
    )
  })
  when("archiving", { after, existing }, ({ after, existing }) => after.status === "archived" && existing.status !== "archived").then(
    () => {
      assertSegmentUnreferencedStep(
        transform({ after, existing }, ({ after, existing }) => ({ segment_id: after.segment_id, handle: existing.handle, action: "archive" as const }))
      )
    }
  )

  const change = transform({ input, existing, prepared }, ({ input, existing, prepared }) => {
    const data: Record<string, unknown> = { id: existing.id }
    for (const k of FIELDS) {
      if (input[k] !== undefined && input[k] !== (existing as Record<string, unknown>)[k]) data[k] = input[k]
    }
    // Same text but other ids (a reference that no longer resolved, now saved again) is a change too.
    const sameReferences = (a: unknown, b: unknown) => segmentReferences(a).join("\n") === segmentReferences(b).join("\n")
    if (prepared && (prepared.rule_text !== existing.rule_text || !sameReferences(prepared.rule, existing.rule))) {
      data.rule = prepared.rule
      data.rule_text = prepared.rule_text
    }
    const changed = Object.keys(data).length > 1
    if (changed) data.version = existing.version + 1
    return {
      data,
      changed,
      renamed: typeof data.name === "string",
      activated: data.status === "active",
      archived: data.status === "archived",
      // Backfill when the member set can change: activated, rule changed on an active segment, or deactivated to
      // draft (the refresh then closes the stale stays). Archiving closes them itself, above.
      refresh:
        data.status === "active" ||
        (data.status === "draft" && existing.status === "active") ||
        (data.rule_text !== undefined && (data.status ?? existing.status) === "active") ||
        (data.purpose !== undefined && (data.status ?? existing.status) === "active"),
      name: (data.name as string | undefined) ?? existing.name,
      group_id: existing.customer_group_id ?? null,
    }
  })

  const updated = updateSegmentStep(transform({ change }, ({ change }) => change.data as { id: string }))

  // References to this segment are by id; their labels and rule_text follow the new handle.
  when("handle-relabel", { change }, ({ change }) => typeof change.data.handle === "string").then(() => {
    relabelSegmentReferencesStep({ segment_id: input.id })
  })
  when("renamed", { change }, ({ change }) => change.renamed).then(() => {
    renameManagedGroupStep(
      transform({ change }, ({ change }) => ({ group_id: change.group_id, segment_name: change.name }))
    )
  })
  when("activated", { change }, ({ change }) => change.activated).then(() => {
    ensureManagedGroupStep({ segment_id: input.id })
  })
  when("archived", { change }, ({ change }) => change.archived).then(() => {
    const emptied = emptyManagedGroupStep(transform({ change }, ({ change }) => ({ group_id: change.group_id })))
    closeMembershipsStep({ segment_id: input.id, reason: "segment archived" })
    // Last: the former members' open carts drop the segment's discounts now, not at their next write (or a refused checkout).
    repriceRemovedMembersCartsStep(
      transform({ change, emptied }, ({ change, emptied }) => ({ group_id: change.group_id, customer_ids: emptied.customer_ids }))
    )
  })

  when("refresh-members", { change }, ({ change }) => change.refresh).then(() => {
    refreshSegmentWorkflow.runAsStep({ input: { segment_id: input.id } })
  })

  recordAuditStep(
    transform({ input, change }, ({ input, change }) => ({
      entries: change.changed
        ? [
            {
              ...(input.actor ?? SYSTEM_ACTOR),
              action: change.archived ? "segment.archived" : change.activated ? "segment.activated" : "segment.updated",
              target_type: "segment",
              target_id: input.id,
              details: { changed: Object.keys(change.data).filter((k) => k !== "id" && k !== "version"), version: change.data.version },
            },
          ]
        : [],
    }))
  )
  return new WorkflowResponse(updated)
})
