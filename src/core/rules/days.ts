/**
 * Derived day counts (`days_since_last_order`, `customer_age_days`): days = floor((now - t) / 1 day) for a base
 * date t, NULL when t is NULL. Every comparison of days with a number N is a comparison of t with an instant:
 *
 *   days >= k  ⇔  now - t >= k·D  ⇔  t <= now - k·D      (k an integer; days is an integer)
 *   days <  k  ⇔  t >  now - k·D
 *
 * and for any (even non-integer) N: `>= N` is `>= ceil(N)`, `> N` is `>= floor(N)+1`, `<= N` is `< floor(N)+1`,
 * `< N` is `< ceil(N)`, `= N` is `>= N AND < N+1` for an integer N and false otherwise. evaluate() computes the
 * day count itself (the trace shows it); compile-sql.ts and next-change.ts use these thresholds, so all three agree
 * exactly, to the millisecond. Arithmetic is in BigInt: N may be any decimal ("12345678901234567.89").
 */
import { DAY_MS } from "./ast"
import { Decimal } from "./decimal"

const D = BigInt(DAY_MS)

/** Whole days from t to now, rounded down (negative when t is in the future). Exact for any two Date values. */
export function daysBetween(t: number, now: number): number {
  const a = now - t
  if (Number.isSafeInteger(a)) {
    const r = ((a % DAY_MS) + DAY_MS) % DAY_MS
    return (a - r) / DAY_MS
  }
  return Number(floorDiv(BigInt(now) - BigInt(t), D))
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q
}

export function floorDecimal(d: Decimal): bigint {
  return floorDiv(d.mantissa, 10n ** BigInt(d.scale))
}

export function ceilDecimal(d: Decimal): bigint {
  return -floorDecimal({ mantissa: -d.mantissa, scale: d.scale })
}

export function isIntegral(d: Decimal): boolean {
  return d.mantissa % 10n ** BigInt(d.scale) === 0n
}

/** The instant now - k days, in milliseconds (BigInt: k may be huge). days >= k ⇔ t <= dayThreshold(now, k). */
export function dayThreshold(now: number, k: bigint): bigint {
  return BigInt(now) - k * D
}

/** The instant t + k days, or null when it lies outside what a Date can hold. */
export function plusDays(t: number, k: bigint): number | null {
  const v = BigInt(t) + k * D
  return v >= -MAX_DATE_MS && v <= MAX_DATE_MS ? Number(v) : null
}

const MAX_DATE_MS = 8_640_000_000_000_000n
