// jstat is loaded on first use, not at boot: the server loads every route at start, and most never need it.
type JStat = typeof import("jstat").jStat
let loaded: JStat | null = null
const jStatLazy = (): JStat => (loaded ??= (require("jstat") as typeof import("jstat")).jStat)

/**
 * Distribution functions from jstat (a maintained, tested implementation), wrapped so the rest of the
 * stats core never deals with its loose typings. Upper tails are computed as 1 - cdf and clamped to [0, 1].
 */
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x)

export const normalCdf = (z: number): number => clamp01(jStatLazy().normal.cdf(z, 0, 1))
/** Two-sided p-value of a standard-normal statistic. */
export const normalTwoSidedP = (z: number): number => clamp01(2 * (1 - normalCdf(Math.abs(z))))
/** Quantile of the standard normal (e.g. 0.975 → 1.95996…). */
export const normalQuantile = (p: number): number => jStatLazy().normal.inv(p, 0, 1)

export const studentTTwoSidedP = (t: number, df: number): number => clamp01(2 * (1 - jStatLazy().studentt.cdf(Math.abs(t), df)))
export const studentTQuantile = (p: number, df: number): number => jStatLazy().studentt.inv(p, df)

/** Upper tail P(X ≥ x) of a χ² distribution with `df` degrees of freedom. */
export const chiSquareSf = (x: number, df: number): number => clamp01(1 - jStatLazy().chisquare.cdf(x, df))
