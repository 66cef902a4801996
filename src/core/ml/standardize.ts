/**
 * z-scores per column with the population standard deviation. A column with no variance (all values equal)
 * carries no information: its z-scores are 0 and its sd is reported as 0, never divided by.
 */
export interface Standardizer {
  means: number[]
  sds: number[]
}

export function fitStandardizer(rows: readonly (readonly number[])[]): Standardizer {
  if (!rows.length) throw new RangeError("cannot standardize zero rows")
  const d = rows[0].length
  const means = new Array<number>(d).fill(0)
  const sds = new Array<number>(d).fill(0)
  for (const row of rows) {
    if (row.length !== d) throw new RangeError("rows must all have the same length")
    for (let j = 0; j < d; j++) {
      if (!Number.isFinite(row[j])) throw new RangeError("values must be finite numbers")
      means[j] += row[j]
    }
  }
  for (let j = 0; j < d; j++) means[j] /= rows.length
  for (const row of rows) for (let j = 0; j < d; j++) sds[j] += (row[j] - means[j]) ** 2
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(sds[j] / rows.length)
    // Below this relative size the spread is floating-point noise from summing equal values.
    sds[j] = sd <= 1e-12 * Math.max(1, Math.abs(means[j])) ? 0 : sd
  }
  return { means, sds }
}

export function standardizeRow(s: Standardizer, row: readonly number[]): number[] {
  return row.map((v, j) => (s.sds[j] === 0 ? 0 : (v - s.means[j]) / s.sds[j]))
}

export function standardize(rows: readonly (readonly number[])[]): { rows: number[][]; standardizer: Standardizer } {
  const standardizer = fitStandardizer(rows)
  return { rows: rows.map((r) => standardizeRow(standardizer, r)), standardizer }
}

/** Back from z-score to the column's own units. */
export function unstandardize(s: Standardizer, j: number, z: number): number {
  return s.means[j] + z * s.sds[j]
}
