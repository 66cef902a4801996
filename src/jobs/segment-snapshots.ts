import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { daysToSnapshot } from "../lib/analytics/snapshots"
import { segmentSnapshotWorkflow } from "../workflows/analytics/snapshot"

/**
 * Daily at 00:20 UTC: one segment_snapshot per active segment for the day that just ended (and any missed day of
 * the last week), then drift alerts. The clock is injectable for tests. Failures are logged, never thrown.
 */
export default async function segmentSnapshotsJob(container: MedusaContainer, clock?: Date | { scheduledFor?: Date }) {
  // Medusa calls a job with (container, { scheduledFor }); tests pass a Date.
  const now = isDate(clock) ? clock : clock?.scheduledFor ? new Date(clock.scheduledFor) : new Date()
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const results: { day: string; snapshots: number; alerts: number }[] = []
  try {
    for (const day of await daysToSnapshot(container, now)) {
      const { result } = await segmentSnapshotWorkflow(container).run({ input: { day, now } })
      results.push({ day: result.day, snapshots: result.snapshots, alerts: result.alerts.length })
      logger.info(`personalization snapshots ${result.day}: ${result.snapshots} segments, ${result.alerts.length} drift alerts`)
    }
  } catch (e) {
    logger.error(`personalization snapshots failed: ${(e as Error).message}`)
  }
  return results
}

const isDate = (v: unknown): v is Date => typeof (v as Date | undefined)?.getTime === "function"

export const config = {
  name: "personalization-segment-snapshots",
  schedule: "20 0 * * *",
}
