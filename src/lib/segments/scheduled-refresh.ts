import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { CronError, lastFireBetween, parseCron } from "../../core/schedule/cron"
import { backfillProfiles } from "../pipeline/backfill-profiles"
import { refreshAllSegments } from "./refresh-segments"

let backfilledThisProcess = false
let reportedBadCron: string | null = null

export type ScheduledRefreshOutcome =
  | { ran: false; reason: string }
  | { ran: true; fired_at: string; refreshed: number; failed: number }

/**
 * Called every minute. Jobs have a static schedule and get no plugin options, so the merchant's `refreshCron`
 * is read from the module and checked here: the full refresh runs when the cron fired since the oldest active
 * segment was last refreshed (or attempted). A restart or a slow refresh therefore never loses a run, and a
 * missed hour is caught up once, not once per missed firing. The first call in a process also gives every
 * customer that has none a profile (install on a store with history).
 */
export async function runScheduledRefresh(container: MedusaContainer, now: Date = new Date()): Promise<ScheduledRefreshOutcome> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const expression = service.getOptions().refreshCron

  if (!backfilledThisProcess) {
    backfilledThisProcess = true
    const { upserted } = await backfillProfiles(container, { onlyMissing: true, now })
    if (upserted) logger.info(`personalization: created ${upserted} missing customer profiles`)
  }

  let cron
  try {
    cron = parseCron(expression)
  } catch (e) {
    if (!(e instanceof CronError)) throw e
    if (reportedBadCron !== expression) logger.error(`personalization: refreshCron '${expression}' is invalid: ${e.message}`)
    reportedBadCron = expression
    return { ran: false, reason: "invalid refreshCron" }
  }

  const segments = await service.listSegments(
    { status: "active" },
    { select: ["id", "created_at", "last_refreshed_at", "refresh_state"], take: null }
  )
  if (!segments.length) return { ran: false, reason: "no active segments" }
  const touched = (s: (typeof segments)[number]) => {
    const started = (s.refresh_state as { started_at?: string } | null)?.started_at
    return Math.max(...[s.created_at, s.last_refreshed_at, started].filter(Boolean).map((d) => new Date(d as string).getTime()))
  }
  const oldest = new Date(Math.min(...segments.map(touched)))
  const fired = lastFireBetween(cron, oldest, now)
  if (!fired) return { ran: false, reason: "not due" }
  const { refreshed, failed } = await refreshAllSegments(container, now)
  return { ran: true, fired_at: fired.toISOString(), refreshed: refreshed.length, failed: failed.length }
}
