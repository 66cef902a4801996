import { studentTQuantile, studentTTwoSidedP } from "./distributions"
import type { Interval } from "./proportions"

/** Sufficient statistics of one sample: size, mean and the sample variance (n − 1 denominator). */
export type SampleSummary = { n: number; mean: number; variance: number }

export type WelchResult = {
  /** treatment mean − control mean */
  difference: number | null
  ci: Interval | null
  t: number | null
  df: number | null
  p_value: number | null
  significant: boolean
}

/** Mean and sample variance (two-pass, numerically stable enough for revenue per subject). */
export function summarize(values: readonly number[]): SampleSummary {
  const n = values.length
  if (n === 0) return { n: 0, mean: 0, variance: 0 }
  const mean = values.reduce((a, b) => a + b, 0) / n
  const variance = n > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1) : 0
  return { n, mean, variance }
}

/**
 * Welch's unequal-variances t-test of treatment vs control, with the Welch–Satterthwaite degrees of freedom and
 * a confidence interval for the difference of means. Each arm needs at least 2 values, else all nulls.
 * When both variances are 0 (all values equal within each arm) there is no noise: equal means give t = 0, p = 1;
 * different means give an infinite t, p = 0 and a zero-width interval.
 */
export function welchTTest(control: SampleSummary, treatment: SampleSummary, confidence = 0.95): WelchResult {
  const none: WelchResult = { difference: null, ci: null, t: null, df: null, p_value: null, significant: false }
  if (control.n < 2 || treatment.n < 2) return none
  const alpha = 1 - confidence
  const diff = treatment.mean - control.mean
  const vc = control.variance / control.n
  const vt = treatment.variance / treatment.n
  const se = Math.sqrt(vc + vt)
  if (se === 0) {
    if (diff === 0) return { difference: 0, ci: { lower: 0, upper: 0 }, t: 0, df: null, p_value: 1, significant: false }
    return { difference: diff, ci: { lower: diff, upper: diff }, t: diff > 0 ? Infinity : -Infinity, df: null, p_value: 0, significant: true }
  }
  const df = (vc + vt) ** 2 / (vc ** 2 / (control.n - 1) + vt ** 2 / (treatment.n - 1))
  const t = diff / se
  const p = studentTTwoSidedP(t, df)
  const q = studentTQuantile(1 - alpha / 2, df)
  return { difference: diff, ci: { lower: diff - q * se, upper: diff + q * se }, t, df, p_value: p, significant: p < alpha }
}
