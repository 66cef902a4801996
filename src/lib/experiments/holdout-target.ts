// Which promotion an experiment holds out (the promotion holdout steps read it at start, stop and delete).
import { sql } from "../db/raw-sql"

type Resolver = { resolve<T = unknown>(key: string): T }
export type HoldoutTarget = { experiment_id: string; promotion_id: string | null }

/** The experiment's promotion (null for a placement experiment or an unknown id). */
export async function holdoutTargetOf(container: Resolver, experimentId: string): Promise<HoldoutTarget> {
  const [row] = await sql<{ target_type: string; target_id: string }>(
    container,
    `SELECT target_type, target_id FROM personalization_experiment WHERE id = $1`,
    [experimentId]
  )
  return { experiment_id: experimentId, promotion_id: row?.target_type === "promotion" ? row.target_id : null }
}

