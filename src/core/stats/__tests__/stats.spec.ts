// Reference values are scipy 1.16 results (scipy.stats.ttest_ind(equal_var=False), chisquare, norm, and
// contingency.relative_risk for Katz's interval) or the textbook formulas evaluated in scipy, to ~1e-9.
import fc from "fast-check"
import {
  analyzeExperiment,
  assignArm,
  bucketOf,
  controlLimits,
  detectBreach,
  normalQuantile,
  sampleRatioMismatch,
  summarize,
  twoProportionTest,
  welchTTest,
} from "../index"

const close = (actual: number | null | undefined, expected: number, digits = 9) => expect(actual).toBeCloseTo(expected, digits)

describe("distributions (jstat)", () => {
  it("normal quantile", () => close(normalQuantile(0.975), 1.959963984540054))
})

describe("two-proportion z-test", () => {
  it("matches the reference for 200/1000 vs 250/1000", () => {
    const r = twoProportionTest({ subjects: 1000, conversions: 200 }, { subjects: 1000, conversions: 250 })
    close(r.z, 2.677397763008329)
    close(r.p_value, 0.007419649261025687)
    close(r.absolute_uplift, 0.05)
    close(r.absolute_ci!.lower, 0.013463621687539853)
    close(r.absolute_ci!.upper, 0.08653637831246015)
    close(r.relative_uplift, 0.25)
    close(r.relative_ci!.lower, 0.060946250837563)
    close(r.relative_ci!.upper, 0.4727419025860033)
    expect(r.significant).toBe(true)
  })

  it("unequal arms, treatment worse, not significant", () => {
    const r = twoProportionTest({ subjects: 1000, conversions: 48 }, { subjects: 900, conversions: 30 })
    close(r.z, -1.6088219735707359)
    close(r.p_value, 0.10765527467052377)
    close(r.absolute_ci!.lower, -0.03236053603248929)
    close(r.absolute_ci!.upper, 0.003027202699155955)
    close(r.relative_uplift, 0.6944444444444444 - 1)
    close(r.relative_ci!.lower, 0.4440481155793319 - 1)
    close(r.relative_ci!.upper, 1.0860379078302735 - 1)
    expect(r.significant).toBe(false)
  })

  it("zero conversions in control: z-test works, relative uplift undefined", () => {
    const r = twoProportionTest({ subjects: 100, conversions: 0 }, { subjects: 100, conversions: 5 })
    close(r.z, 2.2645540682891916)
    close(r.p_value, 0.023540058261177936)
    close(r.absolute_ci!.lower, 0.007283575292052952)
    close(r.absolute_ci!.upper, 0.09271642470794705)
    expect(r.relative_uplift).toBeNull()
    expect(r.relative_ci).toBeNull()
  })

  it("zero conversions in both arms: no variance, no evidence", () => {
    const r = twoProportionTest({ subjects: 50, conversions: 0 }, { subjects: 80, conversions: 0 })
    expect(r).toMatchObject({ z: 0, p_value: 1, absolute_uplift: 0, significant: false, relative_uplift: null, relative_ci: null })
    expect(r.absolute_ci).toEqual({ lower: 0, upper: 0 })
  })

  it("all converted in both arms (all-equal values)", () => {
    const r = twoProportionTest({ subjects: 10, conversions: 10 }, { subjects: 10, conversions: 10 })
    expect(r).toMatchObject({ z: 0, p_value: 1, absolute_uplift: 0, relative_uplift: 0, significant: false })
  })

  it("one arm empty: rates where defined, everything else null", () => {
    const r = twoProportionTest({ subjects: 0, conversions: 0 }, { subjects: 10, conversions: 3 })
    expect(r).toMatchObject({ control_rate: null, treatment_rate: 0.3, z: null, p_value: null, absolute_ci: null, significant: false })
  })

  it("rejects impossible counts", () => {
    expect(() => twoProportionTest({ subjects: 5, conversions: 6 }, { subjects: 5, conversions: 1 })).toThrow(/control/)
    expect(() => twoProportionTest({ subjects: 5, conversions: 1 }, { subjects: 5, conversions: -1 })).toThrow(/treatment/)
  })

  it("property: the absolute CI contains the observed uplift and p lies in [0, 1]", () => {
    const arm = fc.integer({ min: 1, max: 5000 }).chain((n) => fc.record({ subjects: fc.constant(n), conversions: fc.integer({ min: 0, max: n }) }))
    fc.assert(
      fc.property(arm, arm, (c, t) => {
        const r = twoProportionTest(c, t)
        expect(r.p_value!).toBeGreaterThanOrEqual(0)
        expect(r.p_value!).toBeLessThanOrEqual(1)
        expect(r.absolute_ci!.lower).toBeLessThanOrEqual(r.absolute_uplift! + 1e-12)
        expect(r.absolute_ci!.upper).toBeGreaterThanOrEqual(r.absolute_uplift! - 1e-12)
        // swapping arms flips the sign of z and keeps p
        const s = twoProportionTest(t, c)
        expect(s.z!).toBeCloseTo(-r.z!, 9)
        expect(s.p_value!).toBeCloseTo(r.p_value!, 9)
      })
    )
  })
})

describe("Welch t-test", () => {
  // scipy.stats.ttest_ind(a, b, equal_var=False): the difference is mean(a) − mean(b), so a is the treatment.
  const a = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
  const b = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]

  it("matches scipy on equal sizes", () => {
    const r = welchTTest(summarize(b), summarize(a))
    close(r.t, -2.455356398286006)
    close(r.df, 24.988529290231416, 7)
    close(r.p_value, 0.021378001462866992)
    close(r.ci!.lower, -3.984096267140929, 7)
    close(r.ci!.upper, -0.3492370661924069, 7)
    expect(r.significant).toBe(true)
  })

  it("matches scipy on revenue-like data (mostly zeros, unequal sizes)", () => {
    const t = [0, 0, 0, 12.5, 0, 40, 0, 0, 7.25, 0, 0, 99.99]
    const c = [0, 10, 0, 0, 0, 0, 5, 0]
    const r = welchTTest(summarize(c), summarize(t))
    close(r.t, 1.3200089620230366)
    close(r.df, 11.515003545561301, 7)
    close(r.p_value, 0.2124712357289808)
    close(r.ci!.lower, -7.529308824205845, 6)
    close(r.ci!.upper, 30.40264215753918, 6)
    expect(r.significant).toBe(false)
  })

  it("all-equal values: equal means → p = 1, different means → p = 0", () => {
    expect(welchTTest(summarize([5, 5, 5]), summarize([5, 5]))).toMatchObject({ t: 0, p_value: 1, difference: 0, significant: false })
    expect(welchTTest(summarize([0, 0, 0]), summarize([2, 2]))).toMatchObject({ t: Infinity, p_value: 0, difference: 2, significant: true })
  })

  it("an arm with fewer than 2 subjects (or empty) gives nulls", () => {
    expect(welchTTest(summarize([]), summarize([1, 2, 3]))).toMatchObject({ t: null, p_value: null, ci: null, significant: false })
    expect(welchTTest(summarize([1, 2]), summarize([4]))).toMatchObject({ t: null, significant: false })
  })
})

describe("sample-ratio mismatch (χ²)", () => {
  it("matches scipy.stats.chisquare", () => {
    const even = sampleRatioMismatch({ control: 4920, treatment: 5080 }, 50)
    close(even.chi_square, 2.56)
    close(even.p_value, 0.10959858339911568)
    expect(even.mismatch).toBe(false)
    const ten = sampleRatioMismatch({ control: 950, treatment: 9050 }, 10)
    close(ten.chi_square, 2.7777777777777777)
    close(ten.p_value, 0.09558070454562936)
    expect(ten.mismatch).toBe(false)
  })

  it("flags p < 0.001", () => {
    const bad = sampleRatioMismatch({ control: 1800, treatment: 8200 }, 10)
    close(bad.chi_square, 711.1111111111111, 6)
    expect(bad.p_value).toBeLessThan(0.001)
    expect(bad.mismatch).toBe(true)
  })

  it("no subjects / one arm empty", () => {
    expect(sampleRatioMismatch({ control: 0, treatment: 0 }, 10)).toMatchObject({ chi_square: 0, p_value: 1, mismatch: false })
    const oneEmpty = sampleRatioMismatch({ control: 0, treatment: 200 }, 10)
    close(oneEmpty.chi_square, 22.222222222222221)
    expect(oneEmpty.mismatch).toBe(true)
  })
})

describe("control limits", () => {
  const day = new Date("2026-03-01T05:00:00Z")
  const series = (values: (number | null)[], endOffset = 1) =>
    values.map((v, i) => ({ day: new Date(day.getTime() - (values.length - i - 1 + endOffset) * 86_400_000), value: v }))

  it("mean ± 3σ (sample σ) over the window, the day itself excluded", () => {
    // values 10..16: mean 13, sample σ = √(28/6)
    const limits = controlLimits([...series([10, 11, 12, 13, 14, 15, 16]), { day, value: 1000 }], day)!
    close(limits.mean, 13)
    close(limits.sigma, Math.sqrt(28 / 6))
    close(limits.upper, 13 + 3 * Math.sqrt(28 / 6))
    expect(limits.points).toBe(7)
    expect(detectBreach(20, limits)).toMatchObject({ direction: "above", value: 20 })
    expect(detectBreach(6, limits)).toMatchObject({ direction: "below" })
    expect(detectBreach(13, limits)).toBeNull()
  })

  it("needs at least 7 points inside the 28-day window", () => {
    expect(controlLimits(series([1, 2, 3, 4, 5, 6]), day)).toBeNull()
    expect(controlLimits(series([1, 2, 3, 4, 5, 6, null, null]), day)).toBeNull()
    // 7 points but the oldest is 29 days back: outside the window
    const old = series([1, 2, 3, 4, 5, 6, 7], 23)
    expect(controlLimits(old, day)).toBeNull()
    expect(controlLimits(series([1, 2, 3, 4, 5, 6, 7], 22), day)!.points).toBe(7)
  })

  it("all-equal history: σ = 0, any change is a breach, no change is not", () => {
    const limits = controlLimits(series(Array(10).fill(40)), day)!
    expect(limits).toMatchObject({ mean: 40, sigma: 0, lower: 40, upper: 40 })
    expect(detectBreach(40, limits)).toBeNull()
    expect(detectBreach(41, limits)?.direction).toBe("above")
    expect(detectBreach(null, limits)).toBeNull()
  })
})

describe("hash assignment", () => {
  it("is stable and depends on subject and salt", () => {
    expect(bucketOf("cus_1", "salt-a")).toBe(bucketOf("cus_1", "salt-a"))
    fc.assert(fc.property(fc.string(), fc.string(), fc.integer({ min: 0, max: 100 }), (s, salt, h) => {
      expect(assignArm(s, salt, h)).toBe(assignArm(s, salt, h))
    }))
    expect(assignArm("anyone", "x", 0)).toBe("treatment")
    expect(assignArm("anyone", "x", 100)).toBe("control")
  })

  it("splits close to the holdout percentage, independently per salt", () => {
    const n = 20_000
    const ids = Array.from({ length: n }, (_, i) => `cus_${i.toString(36)}`)
    const a = ids.map((id) => assignArm(id, "exp-a", 10))
    const b = ids.map((id) => assignArm(id, "exp-b", 10))
    const controlA = a.filter((x) => x === "control").length
    // χ² SRM on our own hash: must not flag
    expect(sampleRatioMismatch({ control: controlA, treatment: n - controlA }, 10).mismatch).toBe(false)
    expect(Math.abs(controlA / n - 0.1)).toBeLessThan(0.01)
    // another salt reshuffles: overlap of the two control groups ≈ 10% of 10%
    const both = a.filter((x, i) => x === "control" && b[i] === "control").length
    expect(both / n).toBeGreaterThan(0.005)
    expect(both / n).toBeLessThan(0.015)
  })
})

describe("analyzeExperiment verdict", () => {
  const arm = (subjects: number, conversions: number) => ({ subjects, conversions, revenue: { n: subjects, mean: 0, variance: 0 } })

  it("not enough data until the smaller arm reaches the minimum", () => {
    const r = analyzeExperiment({ control: arm(99, 10), treatment: arm(900, 300), holdoutPercent: 10, minSample: 100 })
    expect(r.verdict.code).toBe("not_enough_data")
    expect(r.verdict.message).toMatch(/Not enough data/)
  })

  it("a sample-ratio mismatch overrides the conversion result", () => {
    const r = analyzeExperiment({ control: arm(500, 10), treatment: arm(900, 300), holdoutPercent: 10, minSample: 100 })
    expect(r.srm.mismatch).toBe(true)
    expect(r.verdict.code).toBe("sample_ratio_mismatch")
  })

  it("better / worse / no difference", () => {
    expect(analyzeExperiment({ control: arm(1000, 200), treatment: arm(1000, 250), holdoutPercent: 50, minSample: 100 }).verdict.code).toBe(
      "treatment_better"
    )
    expect(analyzeExperiment({ control: arm(1000, 250), treatment: arm(1000, 200), holdoutPercent: 50, minSample: 100 }).verdict.code).toBe(
      "treatment_worse"
    )
    const same = analyzeExperiment({ control: arm(1000, 200), treatment: arm(1000, 205), holdoutPercent: 50, minSample: 100 })
    expect(same.verdict.code).toBe("no_significant_difference")
    expect(same.verdict.message).toMatch(/95% CI/)
  })
})
