import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { runRfm } from "../lib/analytics/rfm-run"
import { rescoreChurn } from "../lib/analytics/churn-run"

/**
 * Daily at 02:20 UTC: RFM scores and groups for every customer with orders, and churn_risk re-scored from today's
 * traits with the latest trained model; after each, the segments that read those traits are refreshed.
 */
export default async function rfmDaily(container: MedusaContainer) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const started = Date.now()
  try {
    const r = await runRfm(container)
    logger.info(
      `personalization RFM: ${r.scored} customers scored, ${r.changed} changed, ${r.cleared} cleared; ` +
        `${r.segments_refreshed.length} segments refreshed${r.segments_failed.length ? `, ${r.segments_failed.length} failed` : ""} in ${Date.now() - started} ms`
    )
  } catch (e) {
    logger.error(`personalization RFM failed: ${(e as Error).message}`)
  }
  try {
    const c = await rescoreChurn(container)
    if (c.scored) logger.info(`personalization churn: ${c.scored} profiles re-scored with model run ${c.run_id}`)
  } catch (e) {
    logger.error(`personalization churn re-scoring failed: ${(e as Error).message}`)
  }
}

export const config = {
  name: "personalization-rfm-daily",
  schedule: "20 2 * * *",
}
