// A failed evaluation is retried by the minute job (exit-due-memberships → processDueProfiles): the failure path
// lowers the profile's next_change_at to one minute from now. This covers what a log line alone would not: an
// evaluation refused because a killed worker's lock is still held, a transient database error, a Redis hiccup.
// A profile whose evaluations keep failing is retried (and logged) once a minute until the cause is fixed.
import type { MedusaContainer } from "@medusajs/framework/types"
import { sql } from "../db/raw-sql"

export const RETRY_AFTER_SECONDS = 60

/** Best effort and silent: when storage itself is what failed, this fails too and the first error stays the one logged. */
export async function retryLater(container: MedusaContainer, who: { profile_id?: string | null; customer_id?: string | null }): Promise<void> {
  const [column, id] = who.profile_id ? ["id", who.profile_id] : who.customer_id ? ["customer_id", who.customer_id] : [null, null]
  if (!column) return
  try {
    await sql(
      container,
      `UPDATE personalization_customer_profile
          SET next_change_at = LEAST(next_change_at, now() + make_interval(secs => $2)) -- LEAST skips a NULL
        WHERE ${column} = $1 AND deleted_at IS NULL`,
      [id, RETRY_AFTER_SECONDS]
    )
  } catch {
    // nothing more to do: the failure was logged by the caller
  }
}
