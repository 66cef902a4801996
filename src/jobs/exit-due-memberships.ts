import type { MedusaContainer } from "@medusajs/framework/types"
import { processDueProfiles } from "../lib/pipeline/process-due-profiles"
import { recordJobRun } from "../lib/cache"

/** Every minute: exits (and entries) that time alone causes, at the minute they happen. */
export default async function exitDueMemberships(container: MedusaContainer) {
  const now = new Date()
  // Counted per UTC minute (in Redis when configured): with several workers it must say 1 (scale-out test).
  await recordJobRun(container, "exit-due-memberships", now)
  await processDueProfiles(container, now)
}

export const config = {
  name: "personalization-exit-due-memberships",
  schedule: "* * * * *",
}
