// What JSON.parse accepts but the plugin refuses, found on the raw text (JSON.parse has already lost it): keys that
// name the prototype chain, and numbers JavaScript cannot hold exactly as written. Every problem names its path.

/** Keys refused at any depth: as data they are dropped or mistaken for the prototype chain by later code. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"])

type Frame = { array: boolean; key: string | null; index: number; expectKey: boolean }

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y

/**
 * The first problem in `text` (already known to be valid JSON) as "<path>: <problem>" (path "body" at the top), or
 * null. Linear in the text, no recursion (depth is bounded separately).
 */
export function rawJsonProblem(text: string): string | null {
  const stack: Frame[] = []
  const path = (extra?: string) => {
    // an empty key is named as "" (as describeZodError does)
    const parts = stack
      .filter((f) => f.array || !f.expectKey)
      .map((f) => (f.array ? String(f.index) : f.key === "" ? '""' : f.key ?? ""))
    if (extra !== undefined) parts.push(extra === "" ? '""' : extra)
    return parts.length ? parts.join(".") : "body"
  }
  let i = 0
  const n = text.length
  while (i < n) {
    const c = text.charCodeAt(i)
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) {
      i++
    } else if (c === 0x7b /* { */) {
      stack.push({ array: false, key: null, index: 0, expectKey: true })
      i++
    } else if (c === 0x5b /* [ */) {
      stack.push({ array: true, key: null, index: 0, expectKey: false })
      i++
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop()
      i++
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1]
      if (top.array) top.index++
      else top.expectKey = true
      i++
    } else if (c === 0x3a /* : */) {
      stack[stack.length - 1].expectKey = false
      i++
    } else if (c === 0x22 /* " */) {
      let j = i + 1
      while (text.charCodeAt(j) !== 0x22) j += text.charCodeAt(j) === 0x5c /* \ */ ? 2 : 1
      const top = stack[stack.length - 1]
      if (top && !top.array && top.expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string
        if (FORBIDDEN_KEYS.has(key)) return `${path(key)}: '${key}' is not allowed as a key`
        top.key = key
      }
      i = j + 1
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      NUMBER.lastIndex = i
      const literal = NUMBER.exec(text)![0]
      const problem = numberProblem(literal)
      if (problem) return `${path()}: ${problem}`
      i += literal.length
    } else {
      // true / false / null
      i += c === 0x66 /* f */ ? 5 : 4
    }
  }
  return null
}

/** Why a JSON number literal cannot be accepted, or null: it must be finite, within ±(2^53 − 1) and exact as written. */
export function numberProblem(literal: string): string | null {
  const value = Number(literal)
  if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) {
    return `${literal} is outside the safe number range (±${Number.MAX_SAFE_INTEGER})`
  }
  if (decimalKey(literal) !== decimalKey(String(value))) return `${literal} cannot be stored exactly (it would read ${value})`
  return null
}

/** A decimal literal as sign, significant digits and exponent, so equal values written differently compare equal. */
function decimalKey(literal: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal)
  if (!m) return literal
  const [, sign, int, frac = "", exp = "0"] = m
  let digits = (int + frac).replace(/^0+/, "")
  let exponent = Number(exp) - frac.length
  if (!digits) return "0"
  const trailing = digits.length - digits.replace(/0+$/, "").length
  digits = digits.slice(0, digits.length - trailing)
  exponent += trailing
  return `${sign}${digits}e${exponent}`
}
