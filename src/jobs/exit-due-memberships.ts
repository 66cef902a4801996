import type { MedusaContainer } from "@medusajs/framework/types"
import { processDueProfiles } from "../lib/pipeline/process-due-profiles"

/** Every minute: exits (and entries) that time alone causes, at the minute they happen. */
export default async function exitDueMemberships(container: MedusaContainer) {
  await processDueProfiles(container, new Date())
}

export const config = {
  name: "personalization-exit-due-memberships",
  schedule: "* * * * *",
}
