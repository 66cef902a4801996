/** Tokenizer for the text rule syntax. Tracks 1-based line and column for error messages. */

export type TokenKind = "ident" | "number" | "duration" | "string" | "punct" | "op" | "eof"

export interface Token {
  kind: TokenKind
  /** Source text of the token (for strings: the decoded value). */
  text: string
  line: number
  column: number
  /** duration: the signed amount and unit word, e.g. -30 and "d" for `-30d`. */
  amount?: number
  unit?: string
}

export interface SyntaxErrorInfo {
  message: string
  line: number
  column: number
}

export class RuleSyntaxError extends Error implements SyntaxErrorInfo {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message)
    this.name = "RuleSyntaxError"
  }
  toJSON(): SyntaxErrorInfo {
    return { message: this.message, line: this.line, column: this.column }
  }
}

export const MAX_TEXT_LENGTH = 100_000

const NUMBER_RE = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y
const LETTERS_RE = /[A-Za-z]+/y
const IDENT_RE = /[A-Za-z_][A-Za-z0-9_]*/y
const OPS = ["==", "!=", "<>", ">=", "<=", "=", ">", "<"]
const ESCAPES: Record<string, string> = { "\\": "\\", "'": "'", '"': '"', n: "\n", t: "\t", r: "\r" }

export function tokenize(src: string): Token[] {
  if (typeof src !== "string") throw new RuleSyntaxError("rule text must be a string", 1, 1)
  if (src.length > MAX_TEXT_LENGTH) throw new RuleSyntaxError(`rule text is limited to ${MAX_TEXT_LENGTH} characters`, 1, 1)
  const tokens: Token[] = []
  let i = 0
  let line = 1
  let lineStart = 0
  const at = () => ({ line, column: i - lineStart + 1 })
  const fail = (message: string): never => {
    const p = at()
    throw new RuleSyntaxError(`${message} at ${p.line}:${p.column}`, p.line, p.column)
  }

  while (i < src.length) {
    const ch = src[i]
    if (ch === "\n") {
      i++
      line++
      lineStart = i
      continue
    }
    if (ch === " " || ch === "\t" || ch === "\r") {
      i++
      continue
    }
    const pos = at()
    if (/[0-9]/.test(ch) || (ch === "-" && /[0-9]/.test(src[i + 1] ?? ""))) {
      NUMBER_RE.lastIndex = i
      const num = NUMBER_RE.exec(src)![0]
      i += num.length
      LETTERS_RE.lastIndex = i
      const letters = LETTERS_RE.exec(src)
      if (letters) {
        // `24h`, `-30d`: a duration. Only whole numbers qualify.
        if (!/^-?\d+$/.test(num)) fail(`unexpected '${letters[0]}' after number '${num}'`)
        i += letters[0].length
        tokens.push({ kind: "duration", text: num + letters[0], amount: Number(num), unit: letters[0], ...pos })
      } else {
        tokens.push({ kind: "number", text: num, ...pos })
      }
      continue
    }
    if (/[A-Za-z_]/.test(ch)) {
      IDENT_RE.lastIndex = i
      const id = IDENT_RE.exec(src)![0]
      i += id.length
      tokens.push({ kind: "ident", text: id, ...pos })
      continue
    }
    if (ch === "'" || ch === '"') {
      // 'it''s' (doubled quote) or 'it\'s' (backslash escape); raw newlines are allowed inside.
      const quote = ch
      let value = ""
      i++
      for (;;) {
        if (i >= src.length) {
          throw new RuleSyntaxError(`unterminated string starting at ${pos.line}:${pos.column}`, pos.line, pos.column)
        }
        const c = src[i]
        if (c === quote) {
          if (src[i + 1] === quote) {
            value += quote
            i += 2
            continue
          }
          i++
          break
        }
        if (c === "\\") {
          const e = src[i + 1]
          if (e === undefined || !(e in ESCAPES)) fail(`unknown escape '\\${e ?? ""}' in string (use \\\\ for a backslash)`)
          value += ESCAPES[e]
          i += 2
          continue
        }
        if (c === "\n") {
          line++
          lineStart = i + 1
        }
        value += c
        i++
      }
      tokens.push({ kind: "string", text: value, ...pos })
      continue
    }
    const op = OPS.find((o) => src.startsWith(o, i))
    if (op) {
      i += op.length
      tokens.push({ kind: "op", text: op, ...pos })
      continue
    }
    if ("(),.".includes(ch)) {
      i++
      tokens.push({ kind: "punct", text: ch, ...pos })
      continue
    }
    fail(`unexpected character '${ch}'`)
  }
  tokens.push({ kind: "eof", text: "", ...at() })
  return tokens
}
