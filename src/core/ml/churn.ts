/**
 * Churn risk: a logistic regression on the store's own history.
 *
 * Features (from the same traits the pipeline computes, as of a date): recency = days since the last order,
 * frequency = orders, monetary = amount spent, abandonment rate (0..1), tenure = days since the first order.
 * Counts, amounts and durations are right-skewed and enter as log(1 + x); the model standardizes them.
 * Label: churned = no order in the `horizonDays` after the cut-off. Training examples are the customers who had
 * ordered by a past cut-off (now − horizon), with features as of that cut-off and the label from what happened
 * since; the fitted model then scores today's customers with their features as of now.
 *
 * Honesty rules: too few customers, too few of either class, or a holdout without both classes → no model
 * (status insufficient_data, the trait stays null). The AUC reported is on a holdout the model never saw.
 */
import { rocAuc } from "./auc"
import { fitLogistic, predictProbability, type LogisticModel } from "./logistic"

export const CHURN_FEATURES = ["recency_days", "frequency", "monetary", "abandonment_rate", "tenure_days"] as const

const DAY = 86_400_000

export interface ChurnTraits {
  orders_count: number
  /** Amount spent (number or decimal string). */
  total_spent: number | string
  last_order_at: Date | null
  first_order_at: Date | null
  abandonment_rate: number | null
}

/** The feature row (in CHURN_FEATURES order) as of `asOf`; null for a customer without orders. */
export function churnFeatures(t: ChurnTraits, asOf: Date): number[] | null {
  if (!t.orders_count || !t.last_order_at || !t.first_order_at) return null
  const days = (d: Date) => Math.max(0, (asOf.getTime() - d.getTime()) / DAY)
  const spent = Number(t.total_spent)
  return [
    Math.log1p(days(t.last_order_at)),
    Math.log1p(t.orders_count),
    Math.log1p(Number.isFinite(spent) ? Math.max(0, spent) : 0),
    Math.min(1, Math.max(0, t.abandonment_rate ?? 0)),
    Math.log1p(days(t.first_order_at)),
  ]
}

export interface ChurnExample {
  id: string
  features: number[]
  churned: boolean
}

/** 32-bit FNV-1a: a stable hash so the holdout split is the same on every run for the same customers. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/**
 * Deterministic stratified split: within each class, examples ordered by hash(id); every example whose position
 * falls in the holdout share goes to the holdout (so each class contributes ⌊share·n_class⌉ examples).
 */
export function splitHoldout<T extends { id: string; churned: boolean }>(examples: readonly T[], share: number): { train: T[]; holdout: T[] } {
  const train: T[] = []
  const holdout: T[] = []
  for (const cls of [true, false]) {
    const group = examples.filter((e) => e.churned === cls).sort((a, b) => fnv1a(a.id) - fnv1a(b.id) || (a.id < b.id ? -1 : 1))
    const size = Math.round(group.length * share)
    group.forEach((e, i) => (i < size ? holdout : train).push(e))
  }
  return { train, holdout }
}

export interface ChurnTrainingOptions {
  l2?: number
  /** Smallest number of customers (train + holdout) to train on. */
  minCustomers?: number
  /** Smallest number of churned and of retained customers. */
  minPerClass?: number
  holdoutShare?: number
}

export type ChurnTraining =
  | {
      status: "insufficient_data"
      reason: string
      customers: number
      churned: number
      retained: number
    }
  | {
      status: "trained"
      model: LogisticModel
      auc: number
      train_size: number
      holdout_size: number
      customers: number
      churned: number
      retained: number
      /** Mean predicted risk on the holdout vs its observed churn rate (a calibration sanity check). */
      holdout_mean_risk: number
      holdout_churn_rate: number
    }

export function trainChurnModel(examples: readonly ChurnExample[], opts: ChurnTrainingOptions = {}): ChurnTraining {
  const minCustomers = opts.minCustomers ?? 40
  const minPerClass = opts.minPerClass ?? 8
  const share = opts.holdoutShare ?? 0.3
  const churned = examples.filter((e) => e.churned).length
  const retained = examples.length - churned
  const counts = { customers: examples.length, churned, retained }
  if (examples.length < minCustomers) {
    return { status: "insufficient_data", reason: `${examples.length} customers with history before the cut-off; at least ${minCustomers} needed`, ...counts }
  }
  if (churned < minPerClass || retained < minPerClass) {
    return {
      status: "insufficient_data",
      reason: `${churned} churned and ${retained} retained customers; at least ${minPerClass} of each needed`,
      ...counts,
    }
  }
  const { train, holdout } = splitHoldout(examples, share)
  const model = fitLogistic(
    train.map((e) => e.features),
    train.map((e) => e.churned),
    { l2: opts.l2 ?? 1, features: [...CHURN_FEATURES] }
  )
  const risks = holdout.map((e) => predictProbability(model, e.features))
  const auc = rocAuc(risks, holdout.map((e) => e.churned))
  if (auc === null) {
    return { status: "insufficient_data", reason: "the holdout does not contain both churned and retained customers", ...counts }
  }
  return {
    status: "trained",
    model,
    auc,
    train_size: train.length,
    holdout_size: holdout.length,
    ...counts,
    holdout_mean_risk: risks.reduce((s, r) => s + r, 0) / risks.length,
    holdout_churn_rate: holdout.filter((e) => e.churned).length / holdout.length,
  }
}
