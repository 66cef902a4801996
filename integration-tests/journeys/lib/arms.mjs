// The experiment arm a subject gets, computed the way src/core/stats/assign.ts does (FNV-1a + MurmurHash3 finalizer,
// bucket 0…9999 of `${salt}:${subjectKey}`), so a journey can pick an explicit salt that puts its known shoppers in
// the arms it needs. The journey checks the store's own assignment (the logged exposures) against this, so a drift
// between the two fails loudly instead of silently testing the wrong arm.
function hash32(text) {
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

export function assignArm(subjectKey, salt, holdoutPercent) {
  return hash32(`${salt}:${subjectKey}`) % 10_000 < Math.round(holdoutPercent * 100) ? "control" : "treatment"
}

/** The first salt `${prefix}-<n>` under which each customer gets the arm wanted ({ [customerId]: "control" | "treatment" }). */
export function saltFor(prefix, holdoutPercent, wanted) {
  for (let n = 0; n < 10_000; n++) {
    const salt = `${prefix}-${n}`
    if (Object.entries(wanted).every(([id, arm]) => assignArm(`customer:${id}`, salt, holdoutPercent) === arm)) return salt
  }
  throw new Error(`no salt splits ${JSON.stringify(wanted)} at ${holdoutPercent}%`)
}
