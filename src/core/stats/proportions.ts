import { normalQuantile, normalTwoSidedP } from "./distributions"

export type ArmCounts = { subjects: number; conversions: number }
export type Interval = { lower: number; upper: number }

export type TwoProportionResult = {
  control_rate: number | null
  treatment_rate: number | null
  /** treatment rate − control rate */
  absolute_uplift: number | null
  /** Wald interval with unpooled standard error. */
  absolute_ci: Interval | null
  /** treatment rate / control rate − 1 */
  relative_uplift: number | null
  /** Katz log interval of the rate ratio, minus 1. Null when either arm has no conversions. */
  relative_ci: Interval | null
  /** Pooled two-proportion z statistic. */
  z: number | null
  p_value: number | null
  significant: boolean
}

/**
 * Two-proportion z-test (treatment vs control) with confidence intervals for the absolute and relative uplift.
 * - z uses the pooled standard error; when both arms have a rate of 0 (or both 1) there is no variance and no
 *   evidence of a difference: z = 0, p = 1.
 * - The absolute interval is p_t − p_c ± q·√(p_t(1−p_t)/n_t + p_c(1−p_c)/n_c).
 * - The relative interval is Katz's log method for the risk ratio (what scipy's relative_risk reports), minus 1;
 *   it needs at least one conversion in each arm.
 * An empty arm gives nulls and `significant: false`.
 */
export function twoProportionTest(control: ArmCounts, treatment: ArmCounts, confidence = 0.95): TwoProportionResult {
  checkCounts(control, "control")
  checkCounts(treatment, "treatment")
  const nc = control.subjects
  const nt = treatment.subjects
  const pc = nc > 0 ? control.conversions / nc : null
  const pt = nt > 0 ? treatment.conversions / nt : null
  const empty: TwoProportionResult = {
    control_rate: pc,
    treatment_rate: pt,
    absolute_uplift: null,
    absolute_ci: null,
    relative_uplift: null,
    relative_ci: null,
    z: null,
    p_value: null,
    significant: false,
  }
  if (pc === null || pt === null) return empty
  const alpha = 1 - confidence
  const q = normalQuantile(1 - alpha / 2)
  const diff = pt - pc
  const pooled = (control.conversions + treatment.conversions) / (nc + nt)
  const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / nc + 1 / nt))
  const z = sePooled > 0 ? diff / sePooled : 0
  const p = sePooled > 0 ? normalTwoSidedP(z) : 1
  const se = Math.sqrt((pt * (1 - pt)) / nt + (pc * (1 - pc)) / nc)
  const relative = pc > 0 ? pt / pc - 1 : null
  let relativeCi: Interval | null = null
  if (control.conversions > 0 && treatment.conversions > 0) {
    const logRr = Math.log(pt / pc)
    const seLog = Math.sqrt(1 / treatment.conversions - 1 / nt + 1 / control.conversions - 1 / nc)
    relativeCi = { lower: Math.exp(logRr - q * seLog) - 1, upper: Math.exp(logRr + q * seLog) - 1 }
  }
  return {
    control_rate: pc,
    treatment_rate: pt,
    absolute_uplift: diff,
    absolute_ci: { lower: diff - q * se, upper: diff + q * se },
    relative_uplift: relative,
    relative_ci: relativeCi,
    z,
    p_value: p,
    significant: p < alpha,
  }
}

function checkCounts(arm: ArmCounts, name: string) {
  const { subjects, conversions } = arm
  if (!Number.isInteger(subjects) || !Number.isInteger(conversions) || subjects < 0 || conversions < 0 || conversions > subjects) {
    throw new RangeError(`${name}: conversions must be an integer between 0 and subjects (${conversions}/${subjects})`)
  }
}
