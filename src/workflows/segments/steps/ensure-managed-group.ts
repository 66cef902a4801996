import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { managedGroupMetadata, managedGroupName } from "../../../lib/managed-group"

type Input = { segment_id: string }

/**
 * Gives a segment its managed customer group (name "Segment: <name>", metadata marking it ours)
 * unless it already has a live one. Compensation deletes a group made here and unsets the id.
 */
export const ensureManagedGroupStep = createStep(
  "personalization-ensure-managed-group",
  async ({ segment_id }: Input, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    const segment = await service.retrieveSegment(segment_id)
    if (segment.customer_group_id) {
      const [live] = await customers.listCustomerGroups({ id: segment.customer_group_id }, { select: ["id"] })
      if (live) return new StepResponse(live.id, null)
    }
    const group = await customers.createCustomerGroups({
      name: managedGroupName(segment.name),
      metadata: managedGroupMetadata(segment.id, segment.handle),
    })
    await service.updateSegments({ id: segment.id, customer_group_id: group.id })
    return new StepResponse(group.id, { segment_id, group_id: group.id, previous: segment.customer_group_id ?? null })
  },
  async (made, { container }) => {
    if (!made) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
    await customers.deleteCustomerGroups([made.group_id])
    await service.updateSegments({ id: made.segment_id, customer_group_id: made.previous })
  }
)
