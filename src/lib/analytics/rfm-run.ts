import type { MedusaContainer } from "@medusajs/framework/types"
import { computeRfmWorkflow } from "../../workflows/analytics/rfm"
import { refreshSegmentsReading, RFM_TRAITS } from "./rfm"

export type RfmRunResult = {
  run_id: string
  scored: number
  changed: number
  cleared: number
  changed_ids: string[]
  segments_refreshed: string[]
  segments_failed: { segment_id: string; error: string }[]
}

/**
 * The daily job's work: score RFM (workflow), then — only when a profile's scores or group changed — batch-
 * refresh the active segments whose rules read rfm_r / rfm_f / rfm_m / rfm_group, so their members follow.
 */
export async function runRfm(container: MedusaContainer, opts: { now?: Date } = {}): Promise<RfmRunResult> {
  const now = opts.now ?? new Date()
  const { result } = await computeRfmWorkflow(container).run({ input: { now } })
  const { refreshed, failed } =
    result.changed + result.cleared > 0 ? await refreshSegmentsReading(container, RFM_TRAITS, now) : { refreshed: [], failed: [] }
  return {
    run_id: result.run_id,
    scored: result.scored,
    changed: result.changed,
    cleared: result.cleared,
    changed_ids: result.changed_ids,
    segments_refreshed: refreshed,
    segments_failed: failed,
  }
}
