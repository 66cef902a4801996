import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { canonicalRule } from "../../../lib/rules"
import { findCycle } from "../../../core/rules"
import { invalid } from "../../../lib/errors"

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
    const { rule, rule_text, references } = canonicalRule(
      { rule: input.rule, rule_text: input.rule_text },
      service.getCatalog()
    )
    if (references.length) {
      const all = await service.listSegments({}, { select: ["handle", "rule"], take: null })
      const byHandle = new Map(all.map((s) => [s.handle, s.rule as unknown]))
      const missing = references.filter((h) => h !== input.handle && !byHandle.has(h))
      if (missing.length) {
        throw invalid(input.rule_text !== undefined ? "rule_text" : "rule", `unknown segment ${missing.map((h) => `'${h}'`).join(", ")}`)
      }
      const cycle = findCycle(input.handle, rule, byHandle)
      if (cycle) {
        throw invalid(input.rule_text !== undefined ? "rule_text" : "rule", `segment references form a cycle: ${cycle.join(" → ")}`)
      }
    }
    return new StepResponse({ rule, rule_text })
  }
)
