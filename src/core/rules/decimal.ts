/**
 * Exact decimal arithmetic for money and number comparisons: a value is mantissa * 10^-scale with a BigInt
 * mantissa, so "100.10" + 0.2 never goes through binary floating point sums.
 */
import { DECIMAL_RE } from "./ast"

export interface Decimal {
  mantissa: bigint
  scale: number
}

// JS number text: String(n) may use an exponent (1e+21, 1e-7).
const NUMBER_TEXT_RE = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i

function fromText(text: string): Decimal | null {
  const m = NUMBER_TEXT_RE.exec(text)
  if (!m) return null
  const [, sign, int, frac = "", exp = "0"] = m
  let scale = frac.length - Number(exp)
  let digits = int + frac
  if (scale < 0) {
    digits += "0".repeat(-scale)
    scale = 0
  }
  const mantissa = BigInt(digits)
  return { mantissa: sign ? -mantissa : mantissa, scale }
}

/**
 * A finite JS number, or a decimal string like "-12.50" (DECIMAL_RE), as an exact decimal; anything else is null.
 * Numbers are taken at their shortest round-trip text (0.1 is exactly 0.1), which is also what Postgres receives.
 */
export function toDecimal(v: unknown): Decimal | null {
  if (typeof v === "number") return Number.isFinite(v) ? fromText(String(v)) : null
  if (typeof v === "string") return DECIMAL_RE.test(v) ? fromText(v) : null
  return null
}

const POW10: bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i))
const pow10 = (k: number): bigint => (k < POW10.length ? POW10[k] : 10n ** BigInt(k))

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
  if (a.scale === b.scale) return [a.mantissa, b.mantissa, a.scale]
  const scale = Math.max(a.scale, b.scale)
  return [a.mantissa * pow10(scale - a.scale), b.mantissa * pow10(scale - b.scale), scale]
}

export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = align(a, b)
  return x < y ? -1 : x > y ? 1 : 0
}

export function addDecimal(a: Decimal, b: Decimal): Decimal {
  const [x, y, scale] = align(a, b)
  return { mantissa: x + y, scale }
}

/**
 * A number as read for comparison: a finite double kept as is (cheap), or an exact Decimal (decimal strings).
 * Two doubles compare exactly as their shortest decimal texts do, so the double fast path never changes a result.
 */
export type Num = number | Decimal

const parsed = new Map<string, Decimal>()

/** Like toDecimal, but doubles stay doubles, and decimal strings are parsed once (bounded memo). */
export function toNum(v: unknown): Num | null {
  if (typeof v === "number") return Number.isFinite(v) ? v : null
  if (typeof v !== "string") return null
  let d = parsed.get(v)
  if (d === undefined) {
    if (!DECIMAL_RE.test(v)) return null
    d = fromText(v)!
    if (parsed.size > 10_000) parsed.clear()
    parsed.set(v, d)
  }
  return d
}

export function compareNum(a: Num, b: Num): -1 | 0 | 1 {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0
  return compareDecimal(asDecimal(a), asDecimal(b))
}

export function asDecimal(n: Num): Decimal {
  return typeof n === "number" ? fromText(String(n))! : n
}

export const ZERO: Decimal = { mantissa: 0n, scale: 0 }

/** Plain decimal text without exponent, trailing zeros trimmed: what is sent to Postgres as a numeric parameter. */
export function decimalToString(d: Decimal): string {
  const neg = d.mantissa < 0n
  let digits = (neg ? -d.mantissa : d.mantissa).toString()
  if (d.scale > 0) {
    digits = digits.padStart(d.scale + 1, "0")
    let int = digits.slice(0, digits.length - d.scale)
    let frac = digits.slice(digits.length - d.scale).replace(/0+$/, "")
    digits = frac ? `${int}.${frac}` : int
  }
  return neg && digits !== "0" ? `-${digits}` : digits
}

/**
 * A decimal as a JSON number when the number is exactly that decimal (counts, day counts, scores), otherwise its
 * decimal text — never a rounded number.
 */
export function decimalToNumber(d: Decimal): number | string {
  const text = decimalToString(d)
  const n = Number(text)
  return Number.isFinite(n) && decimalToString(fromText(String(n))!) === text ? n : text
}
