import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { runRfm } from "../lib/analytics/rfm-run"

/** Daily at 02:20 UTC: RFM scores and groups for every customer with orders, then the segments that read them. */
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
}

export const config = {
  name: "personalization-rfm-daily",
  schedule: "20 2 * * *",
}
