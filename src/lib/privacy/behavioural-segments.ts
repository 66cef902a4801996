import { dependencies, type Rule } from "../../core/rules"
import { isServerFactType } from "../../core/behaviour"
import { sql } from "../db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }

/**
 * Segments (any status) whose rule reads storefront-tracked events: their memberships are behavioural data. Windows
 * over order and cart facts (recorded server-side from Medusa's data) do not make a segment behavioural.
 */
export async function behaviouralSegments(container: Resolver): Promise<{ id: string; customer_group_id: string | null }[]> {
  const rows = await sql<{ id: string; rule: Rule; customer_group_id: string | null }>(
    container,
    `SELECT id, rule, customer_group_id FROM personalization_segment WHERE deleted_at IS NULL`
  )
  return rows
    .filter((r) => {
      try {
        return dependencies(r.rule).eventTypes.some((t) => !isServerFactType(t))
      } catch {
        return false
      }
    })
    .map((r) => ({ id: r.id, customer_group_id: r.customer_group_id }))
}
