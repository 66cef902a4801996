import { sql } from "../../../../lib/db/raw-sql"
import { notFound } from "../../../../lib/errors"
import { experimentResults } from "../../../../lib/experiments/results"
import { loadDefaultCurrency } from "../../../../lib/profile/load-facts"

type Resolver = { resolve<T = unknown>(key: string): T }

export const EXPERIMENT_FIELDS = `id, name, target_type, target_id, holdout_percent, status, conversion_window_days, min_sample,
  started_at, ended_at, created_at, updated_at`

/** An experiment (the salt stays private) with its results per arm. 404 for an unknown id. */
export async function experimentWithResults(container: Resolver, id: string) {
  const [experiment] = await sql<Record<string, unknown> & { id: string; holdout_percent: number; conversion_window_days: number; min_sample: number }>(
    container,
    `SELECT ${EXPERIMENT_FIELDS} FROM personalization_experiment WHERE id = $1 AND deleted_at IS NULL`,
    [id]
  )
  if (!experiment) throw notFound("Experiment", id)
  const results = await experimentResults(container, experiment, await loadDefaultCurrency(container))
  return { experiment: { ...experiment, results } }
}
