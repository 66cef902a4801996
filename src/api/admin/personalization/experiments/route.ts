import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { PERSONALIZATION_MODULE } from "../../../../modules/personalization"
import type PersonalizationModuleService from "../../../../modules/personalization/service"
import { createExperimentWorkflow } from "../../../../workflows/analytics/experiment"
import { withConflicts } from "../../../utils/conflict"
import { sql } from "../../../../lib/db/raw-sql"
import { EXPERIMENT_FIELDS, experimentWithResults } from "./helpers"
import type { AdminCreateExperimentType, AdminListExperimentsType } from "./validators"

/** Experiments, newest first (without results; GET /:id has them). */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const q = req.validatedQuery as unknown as AdminListExperimentsType
  const where = ["e.deleted_at IS NULL"]
  const values: unknown[] = []
  if (q.status) where.push(`e.status = $${values.push(q.status)}`)
  if (q.target_type) where.push(`e.target_type = $${values.push(q.target_type)}`)
  if (q.target_id) where.push(`e.target_id = $${values.push(q.target_id)}`)
  const [{ n }] = await sql<{ n: number }>(req.scope, `SELECT count(*)::int AS n FROM personalization_experiment e WHERE ${where.join(" AND ")}`, values)
  const rows = await sql(
    req.scope,
    `SELECT ${EXPERIMENT_FIELDS},
            (SELECT count(*)::int FROM personalization_exposure x WHERE x.experiment_id = e.id AND x.deleted_at IS NULL) AS subjects
       FROM personalization_experiment e WHERE ${where.join(" AND ")}
      ORDER BY e.created_at DESC, e.id LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
    [...values, q.limit, q.offset]
  )
  res.json({ experiments: rows, count: n, limit: q.limit, offset: q.offset })
}

export const POST = withConflicts(async (req: AuthenticatedMedusaRequest<AdminCreateExperimentType>, res: MedusaResponse) => {
  const body = req.validatedBody
  const option = req.scope.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE).getOptions().holdoutPercent
  const { result } = await createExperimentWorkflow(req.scope).run({
    input: {
      name: body.name,
      target_type: body.target_type,
      target_id: body.target_id,
      holdout_percent: body.holdout_percent ?? (option >= 1 ? Math.round(option) : 10),
      conversion_window_days: body.conversion_window_days,
      min_sample: body.min_sample,
      salt: body.salt,
    },
  })
  res.status(201).json(await experimentWithResults(req.scope, result.id))
})
