import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { lastFireBetween, parseCron } from "../../core/schedule/cron"
import { buildProductSimilarityWorkflow } from "../../workflows/recommendations/build-product-similarity"
import { SIMILARITY_RUN_KIND } from "../../workflows/recommendations/steps/record-similarity-run"

const RETRY_AFTER_FAILURE_MS = 15 * 60_000
let lastFailureAt = 0
const processStartedAt = new Date()

export type ScheduledBuildOutcome = { ran: false; reason: string } | { ran: true; rows: number; orders: number }

/** The latest similarity build (a model_run row), or null before the first one. */
export async function lastSimilarityRun(container: { resolve<T = unknown>(key: string): T }) {
  const service = container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)
  const [run] = await service.listModelRuns({ kind: SIMILARITY_RUN_KIND }, { order: { trained_at: "DESC" }, take: 1 })
  return run ?? null
}

/**
 * Called every minute by the job (jobs get no plugin options). Builds when `recommendations.buildCron`
 * (default daily 03:00 UTC) fired since the last build. A failed build is
 * retried after 15 minutes, not every minute.
 */
export async function runScheduledSimilarityBuild(container: MedusaContainer, now: Date = new Date()): Promise<ScheduledBuildOutcome> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  if (now.getTime() - lastFailureAt < RETRY_AFTER_FAILURE_MS) return { ran: false, reason: "backing off after a failure" }
  const last = await lastSimilarityRun(container)
  // Never built: wait for the next firing after this process started (a fresh install builds on schedule, or
  // on demand with POST /admin/personalization/recommendations/build; the demo seed builds once).
  const after = last ? new Date(last.trained_at) : processStartedAt
  const cron = parseCron(service.getOptions().recommendations.buildCron) // validated at boot
  if (!lastFireBetween(cron, after, now)) return { ran: false, reason: "not due" }
  try {
    const { result } = await buildProductSimilarityWorkflow(container).run({ input: { now } })
    logger.info(`personalization: product similarity rebuilt (${result.rows} neighbours from ${result.orders} orders)`)
    return { ran: true, rows: result.rows, orders: result.orders }
  } catch (e) {
    lastFailureAt = now.getTime()
    logger.error(`personalization: product similarity build failed: ${(e as Error).message}`)
    return { ran: false, reason: "failed" }
  }
}
