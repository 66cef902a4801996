/**
 * RFM: recency, frequency and monetary value, each scored 1..5 by quintiles over the store's customers with
 * orders (quintiles.ts: ties share a score; any store size works; all-equal values score 3), plus named groups.
 *
 * Groups are data: an ordered list of { id, label, r: [min, max], fm: [min, max] } where fm is the mean of the F
 * and M scores (1, 1.5, …, 5); the first group whose ranges contain (R, FM) wins. The defaults follow the common
 * R × FM grid (champions bought recently, often and much; can't-lose-them bought often and much but long ago; …)
 * and cover every combination, which the validator checks, so every scored customer gets a group. Merchants
 * can replace the list with the plugin option `rfm.groups`.
 */
import { compareDecimal, toDecimal, ZERO } from "../rules/decimal"
import { quantileScores } from "../ml/quintiles"

export interface RfmGroupDef {
  /** Stored in rfm_group and used in rules: rfm_group = 'at_risk'. */
  id: string
  label: string
  /** Inclusive range of the R score (1..5). */
  r: readonly [number, number]
  /** Inclusive range of (F + M) / 2 (1..5, in steps of 0.5). */
  fm: readonly [number, number]
}

export const DEFAULT_RFM_GROUPS: readonly RfmGroupDef[] = [
  { id: "champions", label: "Champions", r: [4, 5], fm: [4, 5] },
  { id: "cant_lose_them", label: "Can't lose them", r: [1, 2], fm: [4, 5] },
  { id: "loyal", label: "Loyal", r: [3, 5], fm: [3, 5] },
  { id: "at_risk", label: "At risk", r: [1, 2], fm: [2.5, 3.5] },
  { id: "new", label: "New", r: [5, 5], fm: [1, 1.5] },
  { id: "promising", label: "Promising", r: [4, 4], fm: [1, 1.5] },
  { id: "potential_loyalist", label: "Potential loyalist", r: [4, 5], fm: [2, 2.5] },
  { id: "need_attention", label: "Need attention", r: [3, 3], fm: [2, 2.5] },
  { id: "about_to_sleep", label: "About to sleep", r: [3, 3], fm: [1, 1.5] },
  { id: "lost", label: "Lost", r: [1, 2], fm: [1, 2] },
]

const GROUP_ID_RE = /^[a-z][a-z0-9_]{0,63}$/
const FM_STEPS = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5]

/** The group of one (R, F, M), or null when no group matches (impossible with a validated list). */
export function rfmGroupOf(r: number, f: number, m: number, groups: readonly RfmGroupDef[] = DEFAULT_RFM_GROUPS): string | null {
  const fm = (f + m) / 2
  for (const g of groups) if (r >= g.r[0] && r <= g.r[1] && fm >= g.fm[0] && fm <= g.fm[1]) return g.id
  return null
}

/** Problems with a group list, each starting with its path ("2.r: …"); empty when the list is usable. */
export function validateRfmGroups(groups: readonly RfmGroupDef[]): string[] {
  const errors: string[] = []
  if (!groups.length) return ["(list): at least one group is needed"]
  const seen = new Set<string>()
  groups.forEach((g, i) => {
    if (!GROUP_ID_RE.test(g.id)) errors.push(`${i}.id: must match ${GROUP_ID_RE}`)
    if (seen.has(g.id)) errors.push(`${i}.id: '${g.id}' is listed twice`)
    seen.add(g.id)
    const [r0, r1] = g.r
    if (!Number.isInteger(r0) || !Number.isInteger(r1) || r0 < 1 || r1 > 5 || r0 > r1) errors.push(`${i}.r: must be [min, max] with 1 ≤ min ≤ max ≤ 5 (whole numbers)`)
    const [f0, f1] = g.fm
    if (!(f0 >= 1 && f1 <= 5 && f0 <= f1)) errors.push(`${i}.fm: must be [min, max] with 1 ≤ min ≤ max ≤ 5`)
  })
  if (errors.length) return errors
  const uncovered: string[] = []
  for (let r = 1; r <= 5; r++) {
    for (const fm of FM_STEPS) {
      if (!groups.some((g) => r >= g.r[0] && r <= g.r[1] && fm >= g.fm[0] && fm <= g.fm[1])) uncovered.push(`R=${r} FM=${fm}`)
    }
  }
  if (uncovered.length) {
    errors.push(`(list): every R (1..5) and FM (1, 1.5, …, 5) must fall in a group; none matches ${uncovered.slice(0, 5).join(", ")}${uncovered.length > 5 ? ` and ${uncovered.length - 5} more` : ""}`)
  }
  return errors
}

/** The (R, F, M) → group table for every combination: the shell joins on it in SQL. */
export function rfmGroupTable(groups: readonly RfmGroupDef[] = DEFAULT_RFM_GROUPS): { r: number; f: number; m: number; group: string }[] {
  const out: { r: number; f: number; m: number; group: string }[] = []
  for (let r = 1; r <= 5; r++)
    for (let f = 1; f <= 5; f++)
      for (let m = 1; m <= 5; m++) {
        const group = rfmGroupOf(r, f, m, groups)
        if (group) out.push({ r, f, m, group })
      }
  return out
}

export interface RfmInput {
  id: string
  /** Whole days since the last order (more days = lower R). */
  recency_days: number
  orders_count: number
  /** Amount spent as an exact decimal string or a number. */
  total_spent: string | number
}

export interface RfmScore {
  r: number
  f: number
  m: number
  group: string | null
}

/** Scores every customer against the others (the customers passed in are the population). */
export function scoreRfm(rows: readonly RfmInput[], groups: readonly RfmGroupDef[] = DEFAULT_RFM_GROUPS): Map<string, RfmScore> {
  const r = quantileScores(rows.map((x) => x.recency_days), (a, b) => b - a)
  const f = quantileScores(rows.map((x) => x.orders_count), (a, b) => a - b)
  const m = quantileScores(rows.map((x) => toDecimal(x.total_spent) ?? ZERO), compareDecimal)
  const out = new Map<string, RfmScore>()
  rows.forEach((x, i) => out.set(x.id, { r: r[i], f: f[i], m: m[i], group: rfmGroupOf(r[i], f[i], m[i], groups) }))
  return out
}

/** Whole days between two instants, rounded down (the R feature). */
export function recencyDays(lastOrderAt: Date, now: Date): number {
  return Math.floor((now.getTime() - lastOrderAt.getTime()) / 86_400_000)
}
