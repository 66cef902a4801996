export type Arm = "treatment" | "control"

/**
 * A 32-bit hash of a string: FNV-1a over the UTF-16 code units, then MurmurHash3's finalizer so every input bit
 * affects the low bits used for bucketing. Deterministic across processes and machines (no storage needed).
 */
export function hash32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** Bucket 0…9999 of a subject in an experiment (subject key + the experiment's salt). */
export function bucketOf(subjectKey: string, salt: string): number {
  return hash32(`${salt}:${subjectKey}`) % 10_000
}

/**
 * Stable arm for a subject: `holdoutPercent` % of buckets (0–100, two decimals of resolution) go to control,
 * the rest see the treatment. The same subject and salt always give the same arm; another salt reshuffles.
 */
export function assignArm(subjectKey: string, salt: string, holdoutPercent: number): Arm {
  if (!(holdoutPercent >= 0 && holdoutPercent <= 100)) throw new RangeError(`holdoutPercent must be in [0, 100], got ${holdoutPercent}`)
  return bucketOf(subjectKey, salt) < Math.round(holdoutPercent * 100) ? "control" : "treatment"
}
