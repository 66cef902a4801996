import { twoProportionTest, type TwoProportionResult } from "./proportions"
import { sampleRatioMismatch, type SrmResult } from "./srm"
import { welchTTest, type SampleSummary, type WelchResult } from "./welch"

export type ArmData = {
  subjects: number
  conversions: number
  /** Revenue per subject (subjects without an order count as 0), as sufficient statistics. */
  revenue: SampleSummary
}

export type VerdictCode =
  | "not_enough_data"
  | "sample_ratio_mismatch"
  | "treatment_better"
  | "treatment_worse"
  | "no_significant_difference"

export type Verdict = { code: VerdictCode; message: string }

export type ExperimentAnalysis = {
  conversion: TwoProportionResult
  revenue_per_subject: WelchResult
  srm: SrmResult
  verdict: Verdict
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`
const pp = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)} pp`

/**
 * Conversion (two-proportion z-test), revenue per subject (Welch), sample-ratio mismatch (χ²) and a plain verdict.
 * The verdict says "not enough data" until the smaller arm has `minSample` subjects; a sample-ratio mismatch
 * overrides any conclusion (the split itself is broken); otherwise it reports the conversion result at 95%.
 */
export function analyzeExperiment(input: {
  control: ArmData
  treatment: ArmData
  holdoutPercent: number
  minSample: number
}): ExperimentAnalysis {
  const { control, treatment } = input
  const conversion = twoProportionTest(control, treatment)
  const revenue = welchTTest(control.revenue, treatment.revenue)
  const srm = sampleRatioMismatch({ control: control.subjects, treatment: treatment.subjects }, input.holdoutPercent)
  return { conversion, revenue_per_subject: revenue, srm, verdict: verdictOf(input, conversion, srm) }
}

function verdictOf(
  input: { control: ArmData; treatment: ArmData; minSample: number },
  c: TwoProportionResult,
  srm: SrmResult
): Verdict {
  const smaller = Math.min(input.control.subjects, input.treatment.subjects)
  if (smaller < input.minSample) {
    return {
      code: "not_enough_data",
      message: `Not enough data yet: each arm needs ${input.minSample} subjects (control ${input.control.subjects}, treatment ${input.treatment.subjects}).`,
    }
  }
  if (srm.mismatch) {
    return {
      code: "sample_ratio_mismatch",
      message: `The arm sizes do not match the planned split (χ² p = ${srm.p_value.toExponential(2)} < 0.001), so the comparison cannot be trusted. Check how exposures are logged.`,
    }
  }
  const ci = c.absolute_ci!
  const detail = `${pct(c.treatment_rate!)} vs ${pct(c.control_rate!)} (${pp(c.absolute_uplift!)}, 95% CI ${pp(ci.lower)} to ${pp(ci.upper)}, p = ${c.p_value!.toPrecision(2)})`
  if (c.significant && c.absolute_uplift! > 0) return { code: "treatment_better", message: `Treatment converts better: ${detail}.` }
  if (c.significant && c.absolute_uplift! < 0) return { code: "treatment_worse", message: `Treatment converts worse: ${detail}.` }
  return { code: "no_significant_difference", message: `No significant difference in conversion: ${detail}.` }
}
