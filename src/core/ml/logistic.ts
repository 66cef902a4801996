/**
 * L2-regularised logistic regression, fitted by Newton–Raphson (iteratively reweighted least squares) on
 * standardized features. Own code: the models here have a handful of features and at most a few hundred
 * thousand rows, where Newton converges in ~10 exact steps with no learning rate to tune, and the result is
 * deterministic (no random init, no SGD order).
 *
 * Objective (maximised):  Σ_i [y_i·η_i − log(1 + e^{η_i})] − (λ/2)·Σ_j β_j²,   η_i = β_0 + Σ_j β_j·z_ij
 * where z are the z-scored features; the intercept β_0 is not penalised. Features with zero variance in the
 * training data get β = 0 and are left out of the system (they cannot be told apart from the intercept).
 */
import { fitStandardizer, standardizeRow, type Standardizer } from "./standardize"

export interface LogisticModel {
  features: string[]
  /** Standardization fitted on the training rows. */
  means: number[]
  sds: number[]
  /** Intercept and coefficients on the standardized scale. */
  intercept: number
  coefficients: number[]
  l2: number
  iterations: number
  converged: boolean
}

export interface FitOptions {
  /** λ of the L2 penalty on standardized coefficients (default 1). 0 = plain maximum likelihood. */
  l2?: number
  maxIterations?: number
  /** Stop when no parameter moves more than this (default 1e-10). */
  tolerance?: number
  features?: string[]
}

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x))
  const e = Math.exp(x)
  return e / (1 + e)
}

export function fitLogistic(rows: readonly (readonly number[])[], labels: readonly (boolean | 0 | 1)[], opts: FitOptions = {}): LogisticModel {
  const n = rows.length
  if (!n) throw new RangeError("cannot fit a model on zero rows")
  if (labels.length !== n) throw new RangeError("rows and labels must have the same length")
  const l2 = opts.l2 ?? 1
  if (!(l2 >= 0)) throw new RangeError("l2 must be ≥ 0")
  const maxIterations = opts.maxIterations ?? 100
  const tolerance = opts.tolerance ?? 1e-10
  const d = rows[0].length
  const std: Standardizer = fitStandardizer(rows)
  const y = labels.map((l) => (l ? 1 : 0))

  // Design matrix over the informative columns only, with a leading 1 for the intercept.
  const active = std.sds.map((sd, j) => (sd > 0 ? j : -1)).filter((j) => j >= 0)
  const Z = rows.map((r) => {
    const z = standardizeRow(std, r)
    return [1, ...active.map((j) => z[j])]
  })
  const p = active.length + 1
  const beta = new Array<number>(p).fill(0)
  // Start the intercept at the base rate's log-odds (clamped when a class is absent).
  const mean = y.reduce((s, v) => s + v, 0) / n
  const clamped = Math.min(1 - 1e-6, Math.max(1e-6, mean))
  beta[0] = Math.log(clamped / (1 - clamped))

  let iterations = 0
  let converged = false
  while (iterations < maxIterations) {
    iterations++
    const gradient = new Array<number>(p).fill(0)
    const hessian = Array.from({ length: p }, () => new Array<number>(p).fill(0))
    for (let i = 0; i < n; i++) {
      let eta = 0
      for (let a = 0; a < p; a++) eta += beta[a] * Z[i][a]
      const mu = sigmoid(eta)
      const w = mu * (1 - mu)
      const r = y[i] - mu
      for (let a = 0; a < p; a++) {
        gradient[a] += r * Z[i][a]
        for (let b = a; b < p; b++) hessian[a][b] += w * Z[i][a] * Z[i][b]
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hessian[a][b] = hessian[b][a]
    for (let a = 1; a < p; a++) {
      gradient[a] -= l2 * beta[a]
      hessian[a][a] += l2
    }
    // Tiny ridge on the intercept row keeps the system solvable when a class is absent (w → 0).
    hessian[0][0] += 1e-12
    const step = solve(hessian, gradient)
    let largest = 0
    for (let a = 0; a < p; a++) {
      // Damp huge steps (separable data with λ = 0 diverges; this keeps the numbers finite).
      const s = Math.max(-10, Math.min(10, step[a]))
      beta[a] += s
      largest = Math.max(largest, Math.abs(s))
    }
    if (largest < tolerance) {
      converged = true
      break
    }
  }

  const coefficients = new Array<number>(d).fill(0)
  active.forEach((j, a) => (coefficients[j] = beta[a + 1]))
  return {
    features: opts.features ?? Array.from({ length: d }, (_, j) => `x${j}`),
    means: std.means,
    sds: std.sds,
    intercept: beta[0],
    coefficients,
    l2,
    iterations,
    converged,
  }
}

/** P(y = 1 | x) for one row in the features' own units. */
export function predictProbability(model: LogisticModel, row: readonly number[]): number {
  let eta = model.intercept
  for (let j = 0; j < model.coefficients.length; j++) {
    if (model.sds[j] === 0) continue
    eta += model.coefficients[j] * ((row[j] - model.means[j]) / model.sds[j])
  }
  return sigmoid(eta)
}

/** The same model on the features' own units: η = intercept + Σ coefficients_j · x_j. */
export function unstandardizedCoefficients(model: LogisticModel): { intercept: number; coefficients: number[] } {
  let intercept = model.intercept
  const coefficients = model.coefficients.map((b, j) => {
    if (model.sds[j] === 0) return 0
    intercept -= (b * model.means[j]) / model.sds[j]
    return b / model.sds[j]
  })
  return { intercept, coefficients }
}

/** Solves A·x = b by Gaussian elimination with partial pivoting (A is small and symmetric positive definite). */
export function solve(A: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = b.length
  const M = A.map((row, i) => [...row, b[i]])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r
    if (Math.abs(M[pivot][col]) < 1e-300) throw new RangeError("singular system")
    ;[M[col], M[pivot]] = [M[pivot], M[col]]
    for (let r = col + 1; r < n; r++) {
      const f = M[r][col] / M[col][col]
      if (f === 0) continue
      for (let c = col; c <= n; c++) M[r][c] -= f * M[col][c]
    }
  }
  const x = new Array<number>(n).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n]
    for (let c = r + 1; c < n; c++) s -= M[r][c] * x[c]
    x[r] = s / M[r][r]
  }
  return x
}
