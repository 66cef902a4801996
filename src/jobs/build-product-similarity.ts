import type { MedusaContainer } from "@medusajs/framework/types"
import { runScheduledSimilarityBuild } from "../lib/recommendations/schedule"

/** Every minute: rebuilds product similarity when `recommendations.buildCron` (default daily, 03:00 UTC) is due. */
export default async function buildProductSimilarityJob(container: MedusaContainer) {
  await runScheduledSimilarityBuild(container, new Date())
}

export const config = {
  name: "personalization-build-product-similarity",
  schedule: "* * * * *",
}
