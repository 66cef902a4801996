import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { deleteExperimentWorkflow, updateExperimentWorkflow } from "../../../../../workflows/analytics/experiment"
import { experimentWithResults } from "../helpers"
import type { AdminUpdateExperimentType } from "../validators"

/** The experiment with results per arm: subjects, conversions, rates, revenue per subject, uplift with 95% CI, SRM, verdict. */
export const GET = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  res.json(await experimentWithResults(req.scope, req.params.id))
}

/** Rename, or change the conversion window / minimum sample (the split and target are fixed once started). */
export const POST = async (req: AuthenticatedMedusaRequest<AdminUpdateExperimentType>, res: MedusaResponse) => {
  const { name, conversion_window_days, min_sample } = req.validatedBody
  const data: Record<string, unknown> = { id: req.params.id }
  if (name !== undefined) data.name = name
  if (conversion_window_days !== undefined) data.conversion_window_days = conversion_window_days
  if (min_sample !== undefined) data.min_sample = min_sample
  await updateExperimentWorkflow(req.scope).run({ input: data as { id: string } })
  res.json(await experimentWithResults(req.scope, req.params.id))
}

export const DELETE = async (req: AuthenticatedMedusaRequest, res: MedusaResponse) => {
  const { result } = await deleteExperimentWorkflow(req.scope).run({ input: { id: req.params.id } })
  res.json({ id: result.id, object: "experiment", deleted: true, exposures_deleted: result.exposures })
}
