import { chiSquareSf } from "./distributions"

export const SRM_THRESHOLD = 0.001

export type SrmResult = {
  chi_square: number
  p_value: number
  /** True when p < 0.001: the arms' sizes are too far from the planned split to trust the comparison. */
  mismatch: boolean
  expected: { control: number; treatment: number }
}

/**
 * Sample-ratio-mismatch check: χ² goodness of fit (1 degree of freedom) of the observed arm sizes against the
 * planned split (`holdoutPercent` % in control). No subjects → χ² = 0, p = 1, no mismatch.
 */
export function sampleRatioMismatch(observed: { control: number; treatment: number }, holdoutPercent: number): SrmResult {
  if (!(holdoutPercent > 0 && holdoutPercent < 100)) throw new RangeError(`holdoutPercent must be in (0, 100), got ${holdoutPercent}`)
  const total = observed.control + observed.treatment
  const expected = { control: (total * holdoutPercent) / 100, treatment: (total * (100 - holdoutPercent)) / 100 }
  if (total === 0) return { chi_square: 0, p_value: 1, mismatch: false, expected }
  const chi =
    (observed.control - expected.control) ** 2 / expected.control + (observed.treatment - expected.treatment) ** 2 / expected.treatment
  const p = chiSquareSf(chi, 1)
  return { chi_square: chi, p_value: p, mismatch: p < SRM_THRESHOLD, expected }
}
