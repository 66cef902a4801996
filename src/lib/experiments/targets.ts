import { Modules } from "@medusajs/framework/utils"
import type { IPromotionModuleService } from "@medusajs/framework/types"
import { sql } from "../db/raw-sql"
import { findGatedOffers } from "../gated-offers"
import { conflict, invalid } from "../errors"
import type { ExperimentTargetType } from "./expose"

type Resolver = { resolve<T = unknown>(key: string): T }

/**
 * An experiment's target must exist (400 naming `target_id` otherwise): a placement variant, or a promotion
 * gated on a segment's managed customer group (only those are personalization's to hold out). One running
 * experiment per target (409).
 */
export async function assertExperimentTarget(container: Resolver, type: ExperimentTargetType, targetId: string) {
  if (type === "placement_variant") {
    const [variant] = await sql<{ id: string }>(
      container,
      `SELECT id FROM personalization_placement_variant WHERE id = $1 AND deleted_at IS NULL`,
      [targetId]
    )
    if (!variant) throw invalid("target_id", `no placement variant with id '${targetId}'`)
  } else {
    const promotions = container.resolve<IPromotionModuleService>(Modules.PROMOTION)
    const [promotion] = await promotions.listPromotions({ id: [targetId] }, { select: ["id"], take: 1 })
    if (!promotion) throw invalid("target_id", `no promotion with id '${targetId}'`)
    const groups = await sql<{ customer_group_id: string }>(
      container,
      `SELECT customer_group_id FROM personalization_segment WHERE customer_group_id IS NOT NULL AND deleted_at IS NULL`
    )
    const gated = await findGatedOffers(container, groups.map((g) => g.customer_group_id))
    if (!gated.promotions.some((p) => p.id === targetId)) {
      throw invalid("target_id", `promotion '${targetId}' is not gated on a segment (rule customer.groups.id in a segment's group)`)
    }
  }
  const [running] = await sql<{ id: string }>(
    container,
    `SELECT id FROM personalization_experiment
      WHERE target_type = $1 AND target_id = $2 AND status = 'running' AND deleted_at IS NULL LIMIT 1`,
    [type, targetId]
  )
  if (running) throw conflict(`experiment '${running.id}' is already running on ${type} '${targetId}'; stop it first`)
}
