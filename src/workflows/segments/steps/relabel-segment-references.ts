import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { format, labelSegmentHandles, segmentReferences, type Rule } from "../../../core/rules"
import { loadSegmentRefs } from "../../../lib/segments/references"
import { segmentCatalogChanged } from "../../../lib/cache"

type Previous = { id: string; rule: Record<string, unknown>; rule_text: string }

/**
 * After a rename: the rules that reference the renamed segment keep their meaning (they reference its id), but their
 * stored label and `rule_text` still show the old handle. Both are rewritten with the new one (no version bump: the
 * rule did not change). Compensation writes the previous rule and text back.
 */
export const relabelSegmentReferencesStep = createStep(
  "personalization-relabel-segment-references",
  async (input: { segment_id: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const all = await loadSegmentRefs(service)
    const handleById = new Map(all.map((s) => [s.id, s.handle]))
    const referrers = all.filter((s) => s.id !== input.segment_id && segmentReferences(s.rule).includes(input.segment_id))
    const previous: Previous[] = referrers.length
      ? ((await service.listSegments({ id: referrers.map((s) => s.id) }, { select: ["id", "rule", "rule_text"], take: null })) as Previous[])
      : []
    const updates = previous.map((p) => {
      const rule = labelSegmentHandles(p.rule as unknown as Rule, (id) => handleById.get(id))
      return { id: p.id, rule: rule as unknown as Record<string, unknown>, rule_text: format(rule) }
    })
    if (updates.length) {
      await service.replaceSegmentRules(updates)
      await segmentCatalogChanged(container)
    }
    return new StepResponse({ relabelled: updates.map((u) => u.id) }, previous)
  },
  async (previous, { container }) => {
    if (!previous?.length) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.replaceSegmentRules(previous)
    await segmentCatalogChanged(container)
  }
)
