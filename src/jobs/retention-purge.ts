import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { retentionPurgeWorkflow } from "../workflows/privacy/retention-purge"

/** Daily at 03:30 UTC: deletes behaviour events and inactive visitor profiles past `retentionDays`; logs the figures. */
export default async function retentionPurge(container: MedusaContainer) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const started = Date.now()
  try {
    const { result } = await retentionPurgeWorkflow(container).run({ input: {} })
    logger.info(
      `personalization retention: before ${result.cutoff} deleted ${result.events} events, ${result.visitor_profiles} inactive visitor profiles ` +
        `(${result.visitor_events} events, ${result.visitor_memberships} memberships, ${result.visitor_consent_records} consent records) ` +
        `in ${Date.now() - started} ms`
    )
  } catch (e) {
    logger.error(`personalization retention failed: ${(e as Error).message}`)
  }
}

export const config = {
  name: "personalization-retention-purge",
  schedule: "30 3 * * *",
}
