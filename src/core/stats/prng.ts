/** mulberry32: a small seeded PRNG for reproducible simulations (not for anything secret). Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Number of successes in `n` Bernoulli(p) draws. */
export function binomial(random: () => number, n: number, p: number): number {
  let k = 0
  for (let i = 0; i < n; i++) if (random() < p) k++
  return k
}
