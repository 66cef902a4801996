import { InjectManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import type { Context } from "@medusajs/framework/types"
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

  /**
   * Sets member_count from the open membership rows (idempotent and self-correcting, so concurrent
   * evaluators cannot drift the counter the way blind increments could).
   */
  @InjectManager()
  async recountMembers(segmentIds: string[], @MedusaContext() sharedContext: Context = {}): Promise<void> {
    if (!segmentIds.length) return
    const manager = sharedContext.manager as { execute(sql: string, params?: unknown[]): Promise<unknown> }
    await manager.execute(
      `UPDATE personalization_segment s
          SET member_count = (SELECT count(*) FROM personalization_segment_membership m
                               WHERE m.segment_id = s.id AND m.exited_at IS NULL AND m.deleted_at IS NULL),
              updated_at = now()
        WHERE s.id = ANY(?)`,
      [segmentIds]
    )
  }

  /** Built-in traits plus the merchant's declared metadata traits. */
  getCatalog(): TraitCatalog {
    return this.catalog_
  }
}

export default PersonalizationModuleService
