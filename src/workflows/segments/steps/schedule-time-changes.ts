import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { compileNextChangeSql, dependencies } from "../../../core/rules"
import { sql } from "../../../lib/db/raw-sql"
import type { RefreshSegment } from "../../../lib/segments/segment-diff"

/**
 * Exact-time exits for batch-made memberships: the real-time pipeline stores each profile's next_change_at, but a
 * batch refresh (e.g. backfilling a new "ordered in the last 30 days" segment) decides memberships the per-profile
 * planner never saw. For a time-based rule, ONE set-based UPDATE lowers next_change_at to the earliest instant after
 * `now` at which the rule can flip for the profile (compileNextChangeSql: never later than nextChange, exact for the
 * common shapes, e.g. `count(last 7d) >= n` exits at the n-th newest event + 7 days); the minute job re-evaluates
 * the profile then and the planner stores the exact next time. Profiles without granted consent for the segment's
 * purpose get nothing (no consent, no membership, nothing to flip). Lowering only ever causes an extra
 * re-evaluation, so there is nothing to compensate.
 */
export const scheduleTimeChangesStep = createStep(
  "personalization-schedule-segment-time-changes",
  async (input: { segment: RefreshSegment; now: Date }, { container }) => {
    const { segment } = input
    if (segment.status !== "active") return new StepResponse({ scheduled: 0 })
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const catalog = service.getCatalog()
    if (!dependencies(segment.rule, catalog).timeBased) return new StepResponse({ scheduled: 0 })
    const requireConsent = service.getOptions().consent.required
    const compiled = compileNextChangeSql(segment.rule, new Date(input.now), catalog, {
      consentPurpose: requireConsent ? segment.purpose : null,
    })
    if (!compiled) return new StepResponse({ scheduled: 0 })
    const [{ scheduled }] = await sql<{ scheduled: number }>(
      container,
      `WITH due AS (${compiled.text}),
            lowered AS (
              UPDATE personalization_customer_profile p SET next_change_at = due.at
                FROM due
               WHERE p.id = due.profile_id AND (p.next_change_at IS NULL OR p.next_change_at > due.at)
              RETURNING 1)
       SELECT count(*)::int AS scheduled FROM lowered`,
      compiled.values
    )
    return new StepResponse({ scheduled })
  }
)
