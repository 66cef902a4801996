// Simulated experiments with a deterministic seed: the test must keep its false-positive rate near α under A/A
// and detect a planted uplift. Subjects are assigned with the production hash (assignArm), not by fiat.
import { analyzeExperiment, assignArm, binomial, mulberry32, summarize } from "../index"

type Sim = { subjects: number; holdout: number; baseRate: number; uplift: number; aov: number; revenueUplift: number }

function simulate(random: () => number, salt: string, sim: Sim) {
  const arms = {
    control: { conversions: 0, revenue: [] as number[] },
    treatment: { conversions: 0, revenue: [] as number[] },
  }
  for (let i = 0; i < sim.subjects; i++) {
    const arm = assignArm(`sub_${i}`, salt, sim.holdout)
    const rate = arm === "treatment" ? sim.baseRate * (1 + sim.uplift) : sim.baseRate
    const converted = random() < rate
    if (converted) arms[arm].conversions++
    // order value ~ exponential around the AOV, cents-rounded; 0 for non-converters
    const aov = arm === "treatment" ? sim.aov * (1 + sim.revenueUplift) : sim.aov
    arms[arm].revenue.push(converted ? Math.round(-Math.log(1 - random()) * aov * 100) / 100 : 0)
  }
  const data = (a: { conversions: number; revenue: number[] }) => ({
    subjects: a.revenue.length,
    conversions: a.conversions,
    revenue: summarize(a.revenue),
  })
  return analyzeExperiment({ control: data(arms.control), treatment: data(arms.treatment), holdoutPercent: sim.holdout, minSample: 100 })
}

describe("simulated experiments (seeded)", () => {
  it("A/A: conversion false-positive rate over 200 runs ≤ 7% (and revenue too); SRM rarely fires", () => {
    const random = mulberry32(20261126)
    let conversionFp = 0
    let revenueFp = 0
    let srm = 0
    const runs = 200
    for (let run = 0; run < runs; run++) {
      const r = simulate(random, `aa-${run}`, { subjects: 4000, holdout: 20, baseRate: 0.05, uplift: 0, aov: 60, revenueUplift: 0 })
      if (r.conversion.significant) conversionFp++
      if (r.revenue_per_subject.significant) revenueFp++
      if (r.srm.mismatch) srm++
      expect(r.verdict.code).not.toBe("not_enough_data")
    }
    console.log(`A/A over ${runs} runs: conversion FPR ${conversionFp / runs}, revenue FPR ${revenueFp / runs}, SRM ${srm}`)
    expect(conversionFp / runs).toBeLessThanOrEqual(0.07)
    expect(revenueFp / runs).toBeLessThanOrEqual(0.07)
    expect(srm).toBeLessThanOrEqual(2)
  })

  it("a planted +40% conversion uplift is detected, with the CI covering the truth", () => {
    const random = mulberry32(7)
    let detected = 0
    let covered = 0
    const runs = 20
    for (let run = 0; run < runs; run++) {
      const r = simulate(random, `ab-${run}`, { subjects: 10_000, holdout: 20, baseRate: 0.05, uplift: 0.4, aov: 60, revenueUplift: 0 })
      if (r.verdict.code === "treatment_better") detected++
      const ci = r.conversion.absolute_ci!
      if (ci.lower <= 0.02 && 0.02 <= ci.upper) covered++
    }
    // power at these sizes is ≈ 0.95; the seeded outcome is fixed
    expect(detected).toBeGreaterThanOrEqual(17)
    expect(covered).toBeGreaterThanOrEqual(17)
  })

  it("one large run: relative uplift CI contains the planted +40%", () => {
    const r = simulate(mulberry32(42), "ab-big", { subjects: 40_000, holdout: 50, baseRate: 0.05, uplift: 0.4, aov: 60, revenueUplift: 0 })
    expect(r.verdict.code).toBe("treatment_better")
    expect(r.conversion.relative_ci!.lower).toBeLessThan(0.4)
    expect(r.conversion.relative_ci!.upper).toBeGreaterThan(0.4)
    expect(r.conversion.relative_ci!.lower).toBeGreaterThan(0)
    // revenue per subject rises with conversion: Welch detects it too
    expect(r.revenue_per_subject.significant).toBe(true)
    expect(r.revenue_per_subject.difference!).toBeGreaterThan(0)
  })
})
