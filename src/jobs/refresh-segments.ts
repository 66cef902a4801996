import type { MedusaContainer } from "@medusajs/framework/types"
import { runScheduledRefresh } from "../lib/segments/scheduled-refresh"

/** Every minute: runs the full batch refresh when the plugin option `refreshCron` (default hourly) is due. */
export default async function refreshSegmentsJob(container: MedusaContainer) {
  await runScheduledRefresh(container, new Date())
}

export const config = {
  name: "personalization-refresh-segments",
  schedule: "* * * * *",
}
