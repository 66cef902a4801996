/** Typed calls to the analytics, alerts, RFM, churn, discover and experiment admin routes (Analytics page). */
import { keepPreviousData, useQuery } from "@tanstack/react-query"
import { sdk } from "../../lib/sdk"
import type { Segment } from "../../lib/api"

export interface SegmentKpi {
  segment_id: string
  handle: string
  name: string
  status: string
  days: number
  members_start: number | null
  members_end: number | null
  members_avg: number | null
  entered: number
  exited: number
  orders: number
  carts: number
  converted_carts: number
  conversion_rate: number | null
  repeat_rate: number | null
  revenue: string
  aov: string | null
  revenue_per_member: string | null
  series: { day: string; members: number; entered: number; exited: number; orders: number; conversion_rate: number | null; revenue: string }[]
}

export interface SegmentAnalyticsResponse {
  from: string
  to: string
  currency_code: string
  segments: SegmentKpi[]
}

export interface Alert {
  id: string
  segment_id: string
  segment_handle: string | null
  segment_name: string | null
  metric: "size" | "conversion"
  day: string
  value: number
  mean: number
  lower: number
  upper: number
  direction: string
  acknowledged_at: string | null
  created_at: string
}

export interface RfmDistribution {
  computed_at: string | null
  customers_with_orders: number
  scored: number
  groups: { id: string; label: string; count: number; share: number; r: [number, number]; fm: [number, number] }[]
  unconfigured: { id: string; count: number }[]
  scores: { r: number[]; f: number[]; m: number[] }
  method: string
}

export interface ChurnRun {
  id: string
  status: "trained" | "insufficient_data" | string
  trained_at: string
  train_size: number | null
  holdout_size: number | null
  auc: number | null
  note: string | null
  horizon_days: number | null
}

export interface ChurnStatus {
  latest: ChurnRun | null
  latest_trained: ChurnRun | null
  scored_profiles: number
  settings: { horizon_days: number; min_customers: number; min_per_class: number; l2: number }
}

export interface DiscoveredCluster {
  index: number
  size: number
  share: number
  silhouette: number
  centroid: { recency_days: number; orders: number; spent: number }
  description: string
  rule_text: string
  rule_matches: number
  rule_recall: number
  rule_precision: number
  suggested: { handle: string; name: string }
}

export interface Discovery {
  customers: number
  currency: string
  as_of: string
  k: number | null
  silhouette: number | null
  clusters: DiscoveredCluster[]
  reason: string | null
  method: string
}

export type Interval = { lower: number; upper: number }

export interface ArmResult {
  arm: "control" | "treatment"
  subjects: number
  conversions: number
  orders: number
  conversion_rate: number | null
  revenue: string
  revenue_per_subject: string | null
}

export interface ExperimentResults {
  currency_code: string
  arms: { control: ArmResult; treatment: ArmResult }
  conversion: {
    control_rate: number | null
    treatment_rate: number | null
    absolute_uplift: number | null
    absolute_ci: Interval | null
    relative_uplift: number | null
    relative_ci: Interval | null
    p_value: number | null
    significant: boolean
  }
  revenue_per_subject: { difference: number | null; ci: Interval | null; p_value: number | null; significant: boolean }
  srm: { chi_square: number; p_value: number; mismatch: boolean; expected: { control: number; treatment: number } }
  verdict: { code: string; message: string }
}

export interface Experiment {
  id: string
  name: string
  target_type: "placement_variant" | "promotion"
  target_id: string
  holdout_percent: number
  status: "running" | "stopped"
  conversion_window_days: number
  min_sample: number
  started_at: string
  ended_at: string | null
  created_at: string
  subjects?: number
  results?: ExperimentResults
}

export const analyticsKeys = {
  all: ["personalization", "analytics"] as const,
  segments: (from: string, to: string, ids: string[]) => ["personalization", "analytics", "segments", from, to, ids] as const,
  alerts: ["personalization", "analytics", "alerts"] as const,
  rfm: ["personalization", "analytics", "rfm"] as const,
  churn: ["personalization", "analytics", "churn"] as const,
  discover: (k: number | null) => ["personalization", "analytics", "discover", k] as const,
  experiments: ["personalization", "analytics", "experiments"] as const,
  experiment: (id: string) => ["personalization", "analytics", "experiment", id] as const,
}

export function useSegmentComparison(from: string, to: string, ids: string[]) {
  const query: Record<string, string> = { from, to }
  if (ids.length) query.segment_ids = ids.join(",")
  return useQuery({
    queryKey: analyticsKeys.segments(from, to, ids),
    queryFn: () => sdk.client.fetch<SegmentAnalyticsResponse>("/admin/personalization/analytics/segments", { query }),
    placeholderData: keepPreviousData,
  })
}

export function useOpenAlerts() {
  return useQuery({
    queryKey: analyticsKeys.alerts,
    queryFn: () =>
      sdk.client.fetch<{ alerts: Alert[]; count: number }>("/admin/personalization/alerts", {
        query: { acknowledged: "false", limit: 50 },
      }),
  })
}

export function useRfm() {
  return useQuery({
    queryKey: analyticsKeys.rfm,
    queryFn: () => sdk.client.fetch<{ rfm: RfmDistribution }>("/admin/personalization/analytics/rfm"),
  })
}

export function useChurn() {
  return useQuery({
    queryKey: analyticsKeys.churn,
    queryFn: () => sdk.client.fetch<{ churn: ChurnStatus }>("/admin/personalization/models/churn"),
  })
}

export function useDiscovery(k: number | null, enabled: boolean) {
  return useQuery({
    queryKey: analyticsKeys.discover(k),
    queryFn: () =>
      sdk.client.fetch<{ discovery: Discovery }>("/admin/personalization/discover", { query: k ? { k } : {} }),
    enabled,
    staleTime: 60_000,
  })
}

export function useExperiments() {
  return useQuery({
    queryKey: analyticsKeys.experiments,
    queryFn: () => sdk.client.fetch<{ experiments: Experiment[]; count: number }>("/admin/personalization/experiments", { query: { limit: 50 } }),
  })
}

export function useExperiment(id: string) {
  return useQuery({
    queryKey: analyticsKeys.experiment(id),
    queryFn: () => sdk.client.fetch<{ experiment: Experiment }>(`/admin/personalization/experiments/${id}`),
  })
}

export const analyticsApi = {
  acknowledge: (id: string) => sdk.client.fetch(`/admin/personalization/alerts/${id}/acknowledge`, { method: "POST", body: {} }),
  trainChurn: () => sdk.client.fetch<{ churn: ChurnStatus }>("/admin/personalization/models/churn/train", { method: "POST", body: {} }),
  createFromCluster: (body: { cluster: number; k?: number; handle: string; name?: string; status?: "draft" | "active" }) =>
    sdk.client.fetch<{ segment: Segment }>("/admin/personalization/discover/segments", { method: "POST", body }),
  createExperiment: (body: {
    name: string
    target_type: "placement_variant" | "promotion"
    target_id: string
    holdout_percent?: number
    conversion_window_days?: number
    min_sample?: number
  }) => sdk.client.fetch<{ experiment: Experiment }>("/admin/personalization/experiments", { method: "POST", body }),
  stopExperiment: (id: string) =>
    sdk.client.fetch<{ experiment: Experiment }>(`/admin/personalization/experiments/${id}/stop`, { method: "POST", body: {} }),
}

/**
 * Money from the API's decimal strings, in the store currency. Intl formats the string itself (no float
 * arithmetic happens here; sums are done by the server in numeric).
 */
export function formatMoney(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return "—"
  try {
    const fmt = new Intl.NumberFormat(undefined, { style: "currency", currency: currency.toUpperCase() })
    // Intl.NumberFormat accepts decimal strings (exact) in current browsers; the lib typing predates it.
    return fmt.format(amount as unknown as number)
  } catch {
    return `${amount} ${currency.toUpperCase()}`
  }
}

export function pct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined ? "—" : `${(x * 100).toFixed(digits)}%`
}

export function day(d: Date): string {
  return d.toISOString().slice(0, 10)
}
