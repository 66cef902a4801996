import type { Decimal } from "../rules/decimal"

/** a / n rounded half away from zero to `scale` decimals (n a positive integer). */
export function divideDecimal(a: Decimal, n: number, scale: number): Decimal {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError("divisor must be a positive integer")
  // a.mantissa * 10^-a.scale / n  =  (a.mantissa * 10^(scale - a.scale) / n) * 10^-scale
  const shift = scale - a.scale
  let numerator = a.mantissa
  let denominator = BigInt(n)
  if (shift >= 0) numerator *= 10n ** BigInt(shift)
  else denominator *= 10n ** BigInt(-shift)
  const negative = numerator < 0n
  const abs = negative ? -numerator : numerator
  let q = abs / denominator
  if ((abs % denominator) * 2n >= denominator) q += 1n
  return { mantissa: negative ? -q : q, scale }
}
