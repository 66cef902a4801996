// Reference values: hand-computed (shown inline) or published (scikit-learn's documented examples).
import fc from "fast-check"
import { quantileScores, quintileScores } from "../quintiles"
import { rocAuc } from "../auc"
import { silhouette } from "../silhouette"
import { fitStandardizer, standardize } from "../standardize"

describe("quintileScores", () => {
  it("splits distinct values as evenly as n allows", () => {
    expect(quintileScores([10, 20, 30, 40, 50])).toEqual([1, 2, 3, 4, 5])
    expect(quintileScores([50, 40, 30, 20, 10])).toEqual([5, 4, 3, 2, 1])
    expect(quintileScores([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    // n = 3: p = 1/6, 3/6, 5/6 → floor(5p) + 1 = 1, 3, 5
    expect(quintileScores([7, 8, 9])).toEqual([1, 3, 5])
    // n = 2: p = 1/4, 3/4 → 2, 4
    expect(quintileScores([1, 2])).toEqual([2, 4])
  })

  it("gives ties one score (mid-rank): [1, 2, 2, 2, 3]", () => {
    // 1: p = 0.5/5 = .1 → 1;  2: (1 + 1.5)/5 = .5 → 3;  3: (4 + .5)/5 = .9 → 5
    expect(quintileScores([1, 2, 2, 2, 3])).toEqual([1, 3, 3, 3, 5])
  })

  it("scores all-equal values and a single customer in the middle (3)", () => {
    expect(quintileScores([4, 4, 4, 4])).toEqual([3, 3, 3, 3])
    expect(quintileScores([42])).toEqual([3])
    expect(quintileScores([])).toEqual([])
  })

  it("reverses for lower-is-better values (recency)", () => {
    expect(quintileScores([1, 100, 30], { higherIsBetter: false })).toEqual([5, 1, 3])
  })

  it("refuses non-finite values", () => {
    expect(() => quintileScores([1, NaN])).toThrow(RangeError)
  })

  it("properties: scores in 1..5, monotone in the value, equal values equal scores", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 200 }), (xs) => {
        const s = quintileScores(xs)
        for (let i = 0; i < xs.length; i++) {
          expect(s[i]).toBeGreaterThanOrEqual(1)
          expect(s[i]).toBeLessThanOrEqual(5)
          for (let j = 0; j < xs.length; j++) {
            if (xs[i] === xs[j]) expect(s[i]).toBe(s[j])
            if (xs[i] < xs[j]) expect(s[i]).toBeLessThanOrEqual(s[j])
          }
        }
      }),
      { numRuns: 100 }
    )
  })

  it("property: with distinct values each score holds ⌊n/5⌋ or ⌈n/5⌉ of them", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 5, maxLength: 300 }), (xs) => {
        const counts = [0, 0, 0, 0, 0]
        for (const s of quintileScores(xs)) counts[s - 1]++
        for (const c of counts) {
          expect(c).toBeGreaterThanOrEqual(Math.floor(xs.length / 5))
          expect(c).toBeLessThanOrEqual(Math.ceil(xs.length / 5))
        }
      }),
      { numRuns: 100 }
    )
  })

  it("works with any comparator and bucket count", () => {
    expect(quantileScores(["b", "a", "c", "d"], (a, b) => a.localeCompare(b), 4)).toEqual([2, 1, 3, 4])
  })
})

describe("rocAuc", () => {
  it("matches scikit-learn's documented example (0.75)", () => {
    // sklearn.metrics.roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == 0.75
    expect(rocAuc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBeCloseTo(0.75, 12)
  })

  it("is 1 for a perfect ranking, 0 for a reversed one, 0.5 when all scores tie", () => {
    expect(rocAuc([0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1])).toBe(1)
    expect(rocAuc([0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1])).toBe(0)
    expect(rocAuc([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1])).toBe(0.5)
  })

  it("counts a tied positive/negative pair as one half", () => {
    // pairs (pos, neg): (0.5 vs 0.5) = ½, (0.5 vs 0.1) = 1, (0.9 vs 0.5) = 1, (0.9 vs 0.1) = 1 → 3.5 / 4
    expect(rocAuc([0.5, 0.9, 0.5, 0.1], [true, true, false, false])).toBe(0.875)
  })

  it("is undefined (null) with one class only", () => {
    expect(rocAuc([0.1, 0.2], [1, 1])).toBeNull()
    expect(rocAuc([0.1, 0.2], [0, 0])).toBeNull()
    expect(rocAuc([], [])).toBeNull()
  })

  it("property: equals the brute-force pair count", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { minLength: 2, maxLength: 60 }),
        (rows) => {
          const scores = rows.map((r) => r[0])
          const labels = rows.map((r) => r[1])
          const pos = rows.filter((r) => r[1])
          const neg = rows.filter((r) => !r[1])
          const auc = rocAuc(scores, labels)
          if (!pos.length || !neg.length) return expect(auc).toBeNull()
          let wins = 0
          for (const p of pos) for (const n of neg) wins += p[0] > n[0] ? 1 : p[0] === n[0] ? 0.5 : 0
          expect(auc).toBeCloseTo(wins / (pos.length * neg.length), 12)
        }
      ),
      { numRuns: 200 }
    )
  })
})

describe("silhouette", () => {
  it("matches a hand-computed example: 1-D points 0, 1 | 4, 5 → 47/63", () => {
    // s(0) = (4.5 − 1)/4.5 = 7/9, s(1) = (3.5 − 1)/3.5 = 5/7, symmetric for the other cluster → (7/9 + 5/7) / 2
    const r = silhouette([[0], [1], [4], [5]], [0, 0, 1, 1])!
    expect(r.mean).toBeCloseTo(47 / 63, 12)
    expect(r.values[0]).toBeCloseTo(7 / 9, 12)
    expect(r.values[1]).toBeCloseTo(5 / 7, 12)
    expect(r.byCluster[0]).toBeCloseTo(47 / 63, 12)
  })

  it("matches a hand-computed 2-D example with unequal clusters", () => {
    // A = (0,0), (0,2); B = (3,0). a(A1) = 2, b(A1) = 3 → 1/3; a(A2) = 2, b(A2) = √13 → 1 − 2/√13; B singleton → 0
    const r = silhouette([[0, 0], [0, 2], [3, 0]], [0, 0, 1])!
    expect(r.values[0]).toBeCloseTo(1 / 3, 12)
    expect(r.values[1]).toBeCloseTo(1 - 2 / Math.sqrt(13), 12)
    expect(r.values[2]).toBe(0)
    expect(r.mean).toBeCloseTo((1 / 3 + 1 - 2 / Math.sqrt(13)) / 3, 12)
  })

  it("is 0 for duplicate points split across clusters, and undefined for k < 2 or k = n", () => {
    expect(silhouette([[1], [1], [1], [1]], [0, 0, 1, 1])!.mean).toBe(0)
    expect(silhouette([[1], [2], [3]], [0, 0, 0])).toBeNull()
    expect(silhouette([[1], [2], [3]], [0, 1, 2])).toBeNull()
  })

  it("property: every value is within [−1, 1]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: 0, max: 2 })), { minLength: 4, maxLength: 40 }),
        (rows) => {
          const r = silhouette(rows.map((x) => [x[0], x[1]]), rows.map((x) => x[2]))
          if (!r) return
          for (const v of r.values) {
            expect(v).toBeGreaterThanOrEqual(-1 - 1e-12)
            expect(v).toBeLessThanOrEqual(1 + 1e-12)
          }
        }
      ),
      { numRuns: 100 }
    )
  })
})

describe("standardize", () => {
  it("uses the population sd and leaves zero-variance columns at 0", () => {
    const { rows, standardizer } = standardize([[1, 7], [3, 7], [5, 7]])
    expect(standardizer.means).toEqual([3, 7])
    expect(standardizer.sds[0]).toBeCloseTo(Math.sqrt(8 / 3), 12)
    expect(standardizer.sds[1]).toBe(0)
    expect(rows.map((r) => r[1])).toEqual([0, 0, 0])
    expect(rows[0][0]).toBeCloseTo(-2 / Math.sqrt(8 / 3), 12)
  })

  it("treats float noise on equal values as zero variance", () => {
    expect(fitStandardizer([[0.1], [0.1], [0.1]]).sds[0]).toBe(0)
  })
})
