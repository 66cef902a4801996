import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { canonicalRule, checkSegmentReferences } from "../../../lib/rules"

export type PrepareSegmentRuleInput = {
  handle: string
  rule?: unknown
  rule_text?: string
}

/**
 * Turns the caller's `rule` (JSON) and/or `rule_text` into the canonical pair that is stored,
 * and rejects rules that reference unknown segments or form a cycle. Read-only: nothing to compensate.
 */
export const prepareSegmentRuleStep = createStep(
  "personalization-prepare-segment-rule",
  async (input: PrepareSegmentRuleInput, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const canonical = canonicalRule({ rule: input.rule, rule_text: input.rule_text }, service.getCatalog())
    await checkSegmentReferences(service, input.handle, canonical, input.rule_text !== undefined ? "rule_text" : "rule")
    const { rule, rule_text } = canonical
    return new StepResponse({ rule, rule_text })
  }
)
