/**
 * Area under the ROC curve, as the Mann–Whitney statistic: the probability that a random positive scores above a
 * random negative, ties counting one half (average ranks). Exact, O(n log n). null when a class is missing
 * (the ROC curve is then undefined — better no number than an invented one).
 */
export function rocAuc(scores: readonly number[], labels: readonly (boolean | 0 | 1)[]): number | null {
  if (scores.length !== labels.length) throw new RangeError("scores and labels must have the same length")
  const n = scores.length
  let positives = 0
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) throw new RangeError("scores must be finite numbers")
    if (labels[i]) positives++
  }
  const negatives = n - positives
  if (!positives || !negatives) return null
  const order = scores.map((_, i) => i).sort((a, b) => scores[a] - scores[b])
  let rankSumPositives = 0
  let start = 0
  while (start < n) {
    let end = start + 1
    while (end < n && scores[order[end]] === scores[order[start]]) end++
    const averageRank = (start + 1 + end) / 2 // ranks start..end-1 are 1-based start+1..end
    for (let i = start; i < end; i++) if (labels[order[i]]) rankSumPositives += averageRank
    start = end
  }
  const u = rankSumPositives - (positives * (positives + 1)) / 2
  return u / (positives * negatives)
}
