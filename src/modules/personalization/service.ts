import { MedusaService } from "@medusajs/framework/utils"
import { Segment } from "./models/segment"
import { SegmentMembership } from "./models/segment-membership"
import { CustomerProfile } from "./models/customer-profile"
import { BehaviorEvent } from "./models/behavior-event"
import { ConsentRecord } from "./models/consent-record"
import { parsePluginOptions, PluginOptions } from "./options"

class PersonalizationModuleService extends MedusaService({
  Segment,
  SegmentMembership,
  CustomerProfile,
  BehaviorEvent,
  ConsentRecord,
}) {
  protected readonly options_: PluginOptions

  constructor(container: Record<string, unknown>, options?: unknown) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = parsePluginOptions(options)
  }

  /** Plugin options (validated). Subscribers and routes read them here: Medusa only hands them to modules. */
  getOptions(): PluginOptions {
    return this.options_
  }
}

export default PersonalizationModuleService
