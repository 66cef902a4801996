import fc from "fast-check"
import { fitLogistic, predictProbability, sigmoid, solve, unstandardizedCoefficients } from "../logistic"

const logit = (p: number) => Math.log(p / (1 - p))

describe("fitLogistic", () => {
  it("reproduces the closed-form MLE for one binary feature (λ = 0): fitted rates = observed rates", () => {
    // x = 0: 3 of 10 positive; x = 1: 7 of 10 positive → β0 = logit(.3), β1 = logit(.7) − logit(.3) = 2·ln(7/3)
    const rows: number[][] = []
    const y: number[] = []
    for (let i = 0; i < 10; i++) (rows.push([0]), y.push(i < 3 ? 1 : 0))
    for (let i = 0; i < 10; i++) (rows.push([1]), y.push(i < 7 ? 1 : 0))
    const model = fitLogistic(rows, y as (0 | 1)[], { l2: 0 })
    expect(model.converged).toBe(true)
    expect(predictProbability(model, [0])).toBeCloseTo(0.3, 10)
    expect(predictProbability(model, [1])).toBeCloseTo(0.7, 10)
    const raw = unstandardizedCoefficients(model)
    expect(raw.intercept).toBeCloseTo(logit(0.3), 10)
    expect(raw.coefficients[0]).toBeCloseTo(2 * Math.log(7 / 3), 10)
  })

  it("matches the published glm fit of the Challenger O-ring data (λ = 0)", () => {
    // 23 launches before Challenger: launch temperature (°F) and whether an O-ring was damaged.
    // R: glm(damage ~ temp, family = binomial) → (Intercept) 15.0429, temp −0.2322.
    const temp = [66, 70, 69, 68, 67, 72, 73, 70, 57, 63, 70, 78, 67, 53, 67, 75, 70, 81, 76, 79, 75, 76, 58]
    const damage = [0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 1] as (0 | 1)[]
    const model = fitLogistic(temp.map((t) => [t]), damage, { l2: 0 })
    const raw = unstandardizedCoefficients(model)
    expect(raw.intercept).toBeCloseTo(15.0429, 3)
    expect(raw.coefficients[0]).toBeCloseTo(-0.2322, 4)
  })

  it("with L2, stops where the penalised score is zero: Zᵀ(y − p) = λβ (intercept unpenalised)", () => {
    const rows = [[1, 5], [2, 3], [3, 8], [4, 1], [5, 9], [6, 2], [7, 7], [8, 4]]
    const y = [0, 0, 1, 0, 1, 1, 0, 1] as (0 | 1)[]
    const l2 = 2
    const m = fitLogistic(rows, y, { l2 })
    const z = rows.map((r) => r.map((v, j) => (v - m.means[j]) / m.sds[j]))
    const p = rows.map((r) => predictProbability(m, r))
    const residual = y.map((v, i) => v - p[i])
    expect(residual.reduce((s, r) => s + r, 0)).toBeCloseTo(0, 9)
    for (let j = 0; j < 2; j++) {
      const score = residual.reduce((s, r, i) => s + r * z[i][j], 0)
      expect(score).toBeCloseTo(l2 * m.coefficients[j], 9)
    }
    // and shrinks the coefficients compared with plain maximum likelihood
    const mle = fitLogistic(rows, y, { l2: 0 })
    expect(Math.hypot(...m.coefficients)).toBeLessThan(Math.hypot(...mle.coefficients))
  })

  it("stays finite on perfectly separable data when λ > 0", () => {
    const m = fitLogistic([[1], [2], [3], [4]], [0, 0, 1, 1], { l2: 1 })
    expect(m.converged).toBe(true)
    expect(Number.isFinite(m.coefficients[0])).toBe(true)
    expect(predictProbability(m, [4])).toBeGreaterThan(0.5)
    expect(predictProbability(m, [1])).toBeLessThan(0.5)
  })

  it("gives a zero-variance feature coefficient 0 and otherwise the same model", () => {
    const rows = [[1], [2], [3], [4], [5], [6]]
    const y = [0, 1, 0, 1, 1, 1] as (0 | 1)[]
    const without = fitLogistic(rows, y, { l2: 1 })
    const withConstant = fitLogistic(rows.map((r) => [r[0], 3]), y, { l2: 1 })
    expect(withConstant.coefficients[1]).toBe(0)
    expect(withConstant.sds[1]).toBe(0)
    expect(withConstant.coefficients[0]).toBeCloseTo(without.coefficients[0], 12)
    expect(predictProbability(withConstant, [2, 999])).toBeCloseTo(predictProbability(without, [2]), 12)
  })

  it("with every feature constant, predicts the base rate", () => {
    const m = fitLogistic([[1], [1], [1], [1]], [1, 0, 0, 0], { l2: 1 })
    expect(predictProbability(m, [1])).toBeCloseTo(0.25, 8)
  })

  it("is deterministic and its probabilities stay in (0, 1)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -100, max: 100, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 3, maxLength: 50 }),
        (data) => {
          const rows = data.map((d) => [d[0], d[1]])
          const y = data.map((d) => d[2])
          const a = fitLogistic(rows, y, { l2: 1 })
          const b = fitLogistic(rows, y, { l2: 1 })
          expect(a).toEqual(b)
          for (const r of rows) {
            const p = predictProbability(a, r)
            expect(p).toBeGreaterThan(0)
            expect(p).toBeLessThan(1)
          }
        }
      ),
      { numRuns: 50 }
    )
  })

  it("refuses empty or mismatched input", () => {
    expect(() => fitLogistic([], [])).toThrow(RangeError)
    expect(() => fitLogistic([[1]], [1, 0])).toThrow(RangeError)
  })
})

describe("helpers", () => {
  it("sigmoid is symmetric and stable at the extremes", () => {
    expect(sigmoid(0)).toBe(0.5)
    expect(sigmoid(2) + sigmoid(-2)).toBeCloseTo(1, 15)
    expect(sigmoid(1000)).toBe(1)
    expect(sigmoid(-1000)).toBe(0)
  })

  it("solve: a 3×3 system with a known solution", () => {
    // 2x + y − z = 8; −3x − y + 2z = −11; −2x + y + 2z = −3 → (2, 3, −1)
    const x = solve([[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], [8, -11, -3])
    expect(x[0]).toBeCloseTo(2, 12)
    expect(x[1]).toBeCloseTo(3, 12)
    expect(x[2]).toBeCloseTo(-1, 12)
  })
})
