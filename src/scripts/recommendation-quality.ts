// `npm run recommendations:quality [-- k=10 split_days=30]` (or `npx medusa exec ./src/scripts/recommendation-quality.ts
// k=10 split_days=30`) — the offline quality report of GET /admin/personalization/recommendations/quality:
// P@k, R@k and NDCG@k of our recommender and of best sellers on a time-based split of the store's orders.
import type { ExecArgs } from "@medusajs/framework/types"
import { runQualityReport } from "../lib/recommendations/quality"

export default async function recommendationQuality({ container, args }: ExecArgs) {
  const opt = Object.fromEntries((args ?? []).map((a) => a.replace(/^--/, "").split("=")))
  const int = (key: string, fallback: number, max: number) => {
    const n = opt[key] === undefined ? fallback : Number(opt[key])
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${key}: must be an integer between 1 and ${max}`)
    return n
  }
  const report = await runQualityReport(container, { k: int("k", 10, 50), split_days: int("split_days", 30, 365) })
  process.stdout.write(JSON.stringify({ report }, null, 2) + "\n")
}
