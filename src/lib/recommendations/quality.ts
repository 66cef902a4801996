// Offline quality of the recommender on the store's own orders (time-based split), against best sellers.
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { evaluateOffline, type OfflineReport } from "../../core/recommendations"
import { similarityOptionsOf } from "./build"
import { loadOrderBaskets } from "./data"

type Resolver = { resolve<T = unknown>(key: string): T }

const DAY = 86_400_000

export type QualityReport = OfflineReport & {
  split_days: number
  metric: "cosine" | "lift"
  /** ours beats popularity on NDCG@k (the headline number). */
  beats_popularity: boolean
}

/**
 * Orders placed in the last `split_days` before `now` are the test set; everything before trains the
 * similarity (orders only — behaviour carries no order dates to split on) with the store's settings. Both
 * recommenders are asked for `k` products each evaluated customer did not buy before the cutoff.
 */
export async function runQualityReport(
  container: Resolver,
  opts: { k: number; split_days: number; now?: Date }
): Promise<QualityReport> {
  const settings = container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE).getOptions().recommendations
  const now = opts.now ?? new Date()
  const orders = await loadOrderBaskets(container, { until: now })
  const similarity = similarityOptionsOf(settings)
  const report = evaluateOffline(orders, { cutoff: now.getTime() - opts.split_days * DAY, k: opts.k, similarity })
  return {
    ...report,
    split_days: opts.split_days,
    metric: similarity.metric,
    beats_popularity: report.users_evaluated > 0 && report.ours.ndcg > report.popularity.ndcg,
  }
}
