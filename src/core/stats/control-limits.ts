export type Point = { day: Date | string; value: number | null }

export type ControlLimits = { mean: number; sigma: number; lower: number; upper: number; points: number }

export type Breach = ControlLimits & { value: number; direction: "above" | "below" }

export const DAY_MS = 86_400_000

/**
 * Shewhart control limits from a metric's own history: mean ± k·σ (σ = sample standard deviation) over the points
 * in the `windowDays` UTC days before `day` (the day itself excluded). Null points (e.g. a conversion rate with no
 * carts) are skipped. Fewer than `minPoints` points → null: not enough history to judge.
 */
export function controlLimits(
  history: readonly Point[],
  day: Date,
  opts: { windowDays?: number; minPoints?: number; k?: number } = {}
): ControlLimits | null {
  const windowDays = opts.windowDays ?? 28
  const minPoints = opts.minPoints ?? 7
  const k = opts.k ?? 3
  const end = utcDay(day).getTime()
  const start = end - windowDays * DAY_MS
  const values = history
    .filter((p) => {
      const t = utcDay(new Date(p.day)).getTime()
      return t >= start && t < end && p.value !== null && Number.isFinite(p.value)
    })
    .map((p) => p.value as number)
  if (values.length < Math.max(2, minPoints)) return null
  const mean = values.reduce((a, b) => a + b, 0) / values.length
  const sigma = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1))
  return { mean, sigma, lower: mean - k * sigma, upper: mean + k * sigma, points: values.length }
}

/** A breach when `value` lies strictly outside the limits. A flat history (σ = 0) flags any change. */
export function detectBreach(value: number | null, limits: ControlLimits | null): Breach | null {
  if (value === null || !limits || !Number.isFinite(value)) return null
  if (value > limits.upper) return { ...limits, value, direction: "above" }
  if (value < limits.lower) return { ...limits, value, direction: "below" }
  return null
}

/** Midnight UTC of the day containing `d`. */
export function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()))
}
