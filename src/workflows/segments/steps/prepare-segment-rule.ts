import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { canonicalRule } from "../../../lib/rules"
import { loadSegmentRefs, resolveRule } from "../../../lib/segments/references"

export type PrepareSegmentRuleInput = {
  /** The segment being saved; null when it is being created. */
  segment_id: string | null
  /** Its handle and status after the save. */
  handle: string
  status: string
  rule?: unknown
  rule_text?: string
}

/**
 * Turns the caller's `rule` (JSON) and/or `rule_text` into the canonical pair that is stored: the rule with its
 * segment references resolved to ids, and the text (handles). Refuses references to unknown segments, to archived
 * ones (unless this segment is archived) and cycles (lib/segments/references.ts). Read-only: nothing to compensate.
 */
export const prepareSegmentRuleStep = createStep(
  "personalization-prepare-segment-rule",
  async (input: PrepareSegmentRuleInput, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const canonical = canonicalRule({ rule: input.rule, rule_text: input.rule_text }, service.getCatalog())
    const field = input.rule_text !== undefined ? "rule_text" : "rule"
    const rule = canonical.references.length
      ? resolveRule(canonical.rule, await loadSegmentRefs(service), { id: input.segment_id, handle: input.handle, status: input.status }, field)
      : canonical.rule
    return new StepResponse({ rule, rule_text: canonical.rule_text })
  }
)
