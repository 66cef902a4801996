import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { stopExperimentWorkflow } from "../../../../../../workflows/analytics/experiment"
import { experimentWithResults } from "../../helpers"
import { sql } from "../../../../../../lib/db/raw-sql"
import { notFound } from "../../../../../../lib/errors"

/** Stops a running experiment (idempotent: stopping a stopped one keeps its end time). */
export const POST = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const [row] = await sql<{ status: string }>(
    req.scope,
    `SELECT status FROM personalization_experiment WHERE id = $1 AND deleted_at IS NULL`,
    [req.params.id]
  )
  if (!row) throw notFound("Experiment", req.params.id)
  if (row.status === "running") await stopExperimentWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json(await experimentWithResults(req.scope, req.params.id))
}
