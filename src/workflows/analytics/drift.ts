import { createStep, createWorkflow, StepResponse, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { inTransaction } from "../../lib/db/transaction"
import { sql } from "../../lib/db/raw-sql"
import { detectAndRecordDrift, type DriftAlert } from "../../lib/analytics/drift"
import { notFound } from "../../lib/errors"

/** Records the day's control-limit breaches as alerts (new ones only); compensation deletes the alerts it made. */
export const detectSegmentDriftStep = createStep(
  "personalization-detect-segment-drift",
  async (input: { day: string; segment_ids: string[] }, { container }) => {
    const alerts = await inTransaction(container, (run) => detectAndRecordDrift(run, new Date(input.day), input.segment_ids))
    return new StepResponse<DriftAlert[], string[]>(alerts, alerts.map((a) => a.id))
  },
  async (ids, { container }) => {
    if (!ids?.length) return
    await sql(container, `DELETE FROM personalization_segment_alert WHERE id = ANY($1::text[])`, [ids])
  }
)

type AlertRow = { id: string; acknowledged_at: Date | null }

/** Sets acknowledged_at (first acknowledgement wins); compensation clears it again if this step set it. */
export const acknowledgeAlertStep = createStep(
  "personalization-acknowledge-alert",
  async (input: { alert_id: string; now: Date | string }, { container }) => {
    const [updated] = await sql<AlertRow>(
      container,
      `UPDATE personalization_segment_alert SET acknowledged_at = $2, updated_at = now()
        WHERE id = $1 AND acknowledged_at IS NULL AND deleted_at IS NULL RETURNING id, acknowledged_at`,
      [input.alert_id, new Date(input.now).toISOString()]
    )
    if (!updated) {
      // already acknowledged (keep the first time) or unknown
      const [row] = await sql<AlertRow>(
        container,
        `SELECT id, acknowledged_at FROM personalization_segment_alert WHERE id = $1 AND deleted_at IS NULL`,
        [input.alert_id]
      )
      if (!row) throw notFound("Alert", input.alert_id)
      return new StepResponse(row, null as string | null)
    }
    return new StepResponse(updated, input.alert_id)
  },
  async (id, { container }) => {
    if (!id) return
    await sql(container, `UPDATE personalization_segment_alert SET acknowledged_at = NULL WHERE id = $1`, [id])
  }
)

export const acknowledgeSegmentAlertWorkflow = createWorkflow(
  "personalization-acknowledge-segment-alert",
  (input: { alert_id: string; now?: Date | string }) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    return new WorkflowResponse(acknowledgeAlertStep({ alert_id: input.alert_id, now }))
  }
)
