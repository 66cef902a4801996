import type { MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { evaluateProfileSafely, refreshCustomerSafely } from "./run-refresh"

/**
 * Re-evaluates the profiles whose next_change_at has come (a rolling window or relative date flipping with no
 * new event): this is what makes exits exact to the minute instead of a daily scan. `now` is injectable so
 * tests move the clock instead of sleeping.
 */
export async function processDueProfiles(
  container: MedusaContainer,
  now: Date = new Date(),
  batchSize = 500
): Promise<{ due: number; refreshed: number }> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const due = await service.listCustomerProfiles(
    { next_change_at: { $lte: now } },
    { select: ["id", "customer_id"], take: batchSize, order: { next_change_at: "ASC" } }
  )
  let refreshed = 0
  for (const profile of due) {
    const ok = profile.customer_id
      ? await refreshCustomerSafely(container, profile.customer_id, "scheduled re-evaluation", now)
      : await evaluateProfileSafely(container, profile.id, "scheduled re-evaluation", now)
    if (ok) refreshed++
  }
  return { due: due.length, refreshed }
}
