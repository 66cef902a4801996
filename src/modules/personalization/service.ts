import { InjectManager, InjectTransactionManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import type { Context } from "@medusajs/framework/types"
import { Segment } from "./models/segment"
import { SegmentMembership } from "./models/segment-membership"
import { CustomerProfile } from "./models/customer-profile"
import { BehaviorEvent } from "./models/behavior-event"
import { ConsentRecord } from "./models/consent-record"
import { AuditLog } from "./models/audit-log"
import { Placement } from "./models/placement"
import { PlacementVariant } from "./models/placement-variant"
import { LOCK_SEGMENTS_SQL, RECOUNT_MEMBERS_SQL } from "../../lib/segments/recount-members"
import { traceMark } from "../../lib/pipeline/trace"
import { factUndoSql, factWriteSql, toKnex, type FactWrite, type Statement } from "../../lib/behaviour/server-facts"
import { ProductSimilarity } from "./models/product-similarity"
import { SegmentSnapshot } from "./models/segment-snapshot"
import { SegmentAlert } from "./models/segment-alert"
import { Experiment } from "./models/experiment"
import { Exposure } from "./models/exposure"
import { ModelRun } from "./models/model-run"
import { buildCatalog, parsePluginOptions, PluginOptions } from "./options"
import type { TraitCatalog } from "../../core/rules"

class PersonalizationModuleService extends MedusaService({
  Segment,
  SegmentMembership,
  CustomerProfile,
  BehaviorEvent,
  ConsentRecord,
  AuditLog,
  Placement,
  PlacementVariant,
  ProductSimilarity,
  SegmentSnapshot,
  SegmentAlert,
  Experiment,
  Exposure,
  ModelRun,
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
    const manager = (sharedContext.transactionManager ?? sharedContext.manager) as {
      execute(sql: string, params?: unknown[]): Promise<unknown>
      flush?: () => Promise<void>
    }
    // Inside a transaction, earlier writes may still sit in the unit of work: flush so the count sees them.
    await manager.flush?.()
    // knex expands an array bound to `?` into a list, hence IN (?) rather than = ANY(?).
    await manager.execute(LOCK_SEGMENTS_SQL.replace("= ANY($1::text[])", "IN (?)"), [segmentIds])
    await manager.execute(RECOUNT_MEMBERS_SQL.replace("= ANY($1::text[])", "IN (?)"), [segmentIds])
  }

  /**
   * Writes one profile's membership changes atomically (one transaction): open rows for entries, close rows
   * for exits, recount the touched segments, store next_change_at — and, when given, the profile's freshly
   * computed traits (`profile`) in the same UPDATE. `previous_next_change_at`: the caller already read the
   * profile (skips the read). Returns what a compensation needs to undo it (revertMembershipChanges).
   */
  @InjectTransactionManager()
  async applyMembershipChanges(
    input: {
      profile_id: string
      customer_id: string | null
      enter: { segment_id: string; reason: string }[]
      exit: { segment_id: string; membership_id: string; reason: string }[]
      now: Date
      next_change_at: Date | null
      profile?: Record<string, unknown> | null
      previous_next_change_at?: Date | null
      /** The profile's server-side behaviour facts reconciled with Medusa's orders and carts (lib/behaviour). */
      facts?: FactWrite | null
    },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ created: string[]; closed: string[]; segment_ids: string[]; previous_next_change_at: Date | null }> {
    traceMark(input.customer_id, "txn:begin")
    if (input.facts) await this.runStatements(factWriteSql(input.facts), sharedContext)
    const previous =
      input.previous_next_change_at !== undefined
        ? input.previous_next_change_at
        : (((
            await this.listCustomerProfiles({ id: input.profile_id }, { select: ["id", "next_change_at"], take: 1 }, sharedContext)
          )[0]?.next_change_at as Date | null | undefined) ?? null)
    const created = input.enter.length
      ? await this.createSegmentMemberships(
          input.enter.map((e) => ({
            segment_id: e.segment_id,
            profile_id: input.profile_id,
            customer_id: input.customer_id,
            entered_at: input.now,
            reason: e.reason,
          })),
          sharedContext
        )
      : []
    traceMark(input.customer_id, "txn:entered")
    if (input.exit.length) {
      // One call for all exits (one read of the rows, one flush).
      await this.updateSegmentMemberships(
        input.exit.map((e) => ({ id: e.membership_id, exited_at: input.now, exit_reason: e.reason })),
        sharedContext
      )
    }
    const segment_ids = [...new Set([...input.enter, ...input.exit].map((c) => c.segment_id))]
    traceMark(input.customer_id, "txn:exited")
    await this.recountMembers(segment_ids, sharedContext)
    traceMark(input.customer_id, "txn:recounted")
    await this.updateCustomerProfiles(
      { ...(input.profile ?? {}), id: input.profile_id, next_change_at: input.next_change_at },
      sharedContext
    )
    traceMark(input.customer_id, "txn:profile")
    return {
      created: created.map((m) => m.id),
      closed: input.exit.map((e) => e.membership_id),
      segment_ids,
      previous_next_change_at: previous,
    }
  }

  /**
   * Undoes applyMembershipChanges in one transaction: deletes the opened rows, reopens the closed ones,
   * recounts, restores the profile's previous values (`profile`: at least id and next_change_at).
   */
  @InjectTransactionManager()
  async revertMembershipChanges(
    input: {
      created: string[]
      closed: string[]
      segment_ids: string[]
      profile: Record<string, unknown> & { id: string }
      facts?: FactWrite | null
    },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<void> {
    if (input.facts) await this.runStatements(factUndoSql(input.facts), sharedContext)
    if (input.created.length) await this.deleteSegmentMemberships(input.created, sharedContext)
    if (input.closed.length) {
      await this.updateSegmentMemberships(
        { selector: { id: input.closed }, data: { exited_at: null, exit_reason: null } },
        sharedContext
      )
    }
    await this.recountMembers(input.segment_ids, sharedContext)
    await this.updateCustomerProfiles(input.profile, sharedContext)
  }

  /**
   * Stores segment rules whole. The generated updateSegments merges a json property into the stored object
   * (mergeObjectProperties), so a rule written over another kept the old rule's top-level keys — e.g. the `rules` of
   * an old AND under a new trait condition, where segment references are found (issue #21). One transaction.
   */
  @InjectTransactionManager()
  async replaceSegmentRules(
    rows: { id: string; rule: Record<string, unknown>; rule_text: string }[],
    @MedusaContext() sharedContext: Context = {}
  ): Promise<void> {
    const manager = sharedContext.transactionManager as { execute(sql: string, params?: unknown[]): Promise<unknown> }
    for (const r of rows) {
      await manager.execute(`UPDATE personalization_segment SET rule = ?::jsonb, rule_text = ?, updated_at = now() WHERE id = ?`, [
        JSON.stringify(r.rule),
        r.rule_text,
        r.id,
      ])
    }
  }

  /** Raw `$n` statements on the transaction's connection (converted to knex bindings). */
  private async runStatements(statements: Statement[], sharedContext: Context): Promise<void> {
    const manager = (sharedContext.transactionManager ?? sharedContext.manager) as {
      execute(sql: string, params?: unknown[]): Promise<unknown>
    }
    for (const s of statements) {
      const { text, values } = toKnex(s)
      await manager.execute(text, values)
    }
  }

  /** Built-in traits plus the merchant's declared metadata traits. */
  getCatalog(): TraitCatalog {
    return this.catalog_
  }
}

export default PersonalizationModuleService
