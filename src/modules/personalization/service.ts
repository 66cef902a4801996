import { MedusaService } from "@medusajs/framework/utils"
import { Segment } from "./models/segment"
import { SegmentMembership } from "./models/segment-membership"
import { CustomerProfile } from "./models/customer-profile"
import { BehaviorEvent } from "./models/behavior-event"
import { ConsentRecord } from "./models/consent-record"
import { buildCatalog, parsePluginOptions, PluginOptions } from "./options"
import type { TraitCatalog } from "../../core/rules"

class PersonalizationModuleService extends MedusaService({
  Segment,
  SegmentMembership,
  CustomerProfile,
  BehaviorEvent,
  ConsentRecord,
}) {
  protected readonly options_: PluginOptions
  protected readonly catalog_: TraitCatalog

  constructor(container: Record<string, unknown>, options?: unknown) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    this.options_ = parsePluginOptions(options)
    this.catalog_ = buildCatalog(this.options_)
  }

  /** Plugin options (validated). Subscribers and routes read them here: Medusa only hands them to modules. */
  getOptions(): PluginOptions {
    return this.options_
  }

  /** Built-in traits plus the merchant's declared metadata traits. */
  getCatalog(): TraitCatalog {
    return this.catalog_
  }
}

export default PersonalizationModuleService
