import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { assertUnreferenced, loadSegmentRefs } from "../../../lib/segments/references"

/**
 * Deleting or archiving a segment that other segments' rules reference is refused (409 naming them): the referrers
 * would silently change meaning (docs/decisions/0001-segment-references.md). Read-only.
 */
export const assertSegmentUnreferencedStep = createStep(
  "personalization-assert-segment-unreferenced",
  async (input: { segment_id: string; handle: string; action: "delete" | "archive" }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    assertUnreferenced({ id: input.segment_id, handle: input.handle }, await loadSegmentRefs(service), input.action)
    return new StepResponse(undefined)
  }
)
