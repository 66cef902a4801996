/**
 * Recursive-descent parser for the text rule syntax (grammar in docs/rules.md). It produces the AST only;
 * names, types and limits are checked by validateRule. Keywords are case-insensitive.
 */
import {
  ComparisonOp,
  EventCondition,
  EventWindow,
  NumericValue,
  PropertyFilter,
  RelativeDate,
  Rule,
  Scalar,
  TraitCondition,
  WindowUnit,
} from "./ast"
import { compareDecimal, decimalToString, toDecimal } from "./decimal"
import { RuleSyntaxError, SyntaxErrorInfo, Token, tokenize } from "./lexer"

export { RuleSyntaxError } from "./lexer"
export type { SyntaxErrorInfo } from "./lexer"

export type ParseResult = { ok: true; rule: Rule } | { ok: false; error: SyntaxErrorInfo }

/** Parses rule text; throws RuleSyntaxError (with line and column) on a syntax error. */
export function parse(text: string): Rule {
  return new Parser(tokenize(text)).parseRule()
}

/** Like parse, but returns the error as data. */
export function tryParse(text: string): ParseResult {
  try {
    return { ok: true, rule: parse(text) }
  } catch (e) {
    if (e instanceof RuleSyntaxError) return { ok: false, error: e.toJSON() }
    throw e
  }
}

// Parentheses and NOTs nest at most this deep while parsing (validation later allows depth 8): keeps the
// recursion bounded for hostile input.
const MAX_NESTING = 32

const UNITS: Record<string, WindowUnit> = {
  m: "m", min: "m", mins: "m", minute: "m", minutes: "m",
  h: "h", hr: "h", hrs: "h", hour: "h", hours: "h",
  d: "d", day: "d", days: "d",
}
const CMP_OPS: Record<string, ComparisonOp> = { "=": "=", "==": "=", "!=": "!=", "<>": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=" }
const FUNCTIONS = new Set(["event", "segment", "consent"])
const KEYWORDS = new Set(["and", "or", "not", "in", "between", "contains", "is", "null", "true", "false", "last", "today"])

class Parser {
  private pos = 0
  private nesting = 0
  constructor(private readonly tokens: Token[]) {}

  parseRule(): Rule {
    if (this.peek().kind === "eof") this.fail("a condition")
    const rule = this.parseOr()
    if (this.peek().kind !== "eof") this.fail("AND, OR or the end of the rule")
    return rule
  }

  // ---- token helpers -------------------------------------------------------------------------------------
  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]
  }
  private next(): Token {
    const t = this.peek()
    if (t.kind !== "eof") this.pos++
    return t
  }
  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t.kind === "ident" && t.text.toLowerCase() === word
  }
  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false
    this.pos++
    return true
  }
  private isPunct(p: string): boolean {
    const t = this.peek()
    return t.kind === "punct" && t.text === p
  }
  private expectPunct(p: string, what = `'${p}'`): void {
    if (!this.isPunct(p)) this.fail(what)
    this.pos++
  }
  private expectKeyword(word: string, what = word.toUpperCase()): void {
    if (!this.acceptKeyword(word)) this.fail(what)
  }

  /** "expected <what> after '<previous token>' but found '<token>' at L:C". */
  private fail(what: string): never {
    const t = this.peek()
    const prev = this.pos > 0 ? this.tokens[this.pos - 1] : undefined
    const found = t.kind === "eof" ? "the end of the rule" : display(t)
    const after = prev ? ` after ${display(prev)}` : ""
    throw new RuleSyntaxError(`expected ${what}${after} but found ${found} at ${t.line}:${t.column}`, t.line, t.column)
  }

  private enter(): void {
    if (++this.nesting > MAX_NESTING) {
      const t = this.peek()
      throw new RuleSyntaxError(`rule nested too deeply at ${t.line}:${t.column}`, t.line, t.column)
    }
  }

  // ---- boolean structure ---------------------------------------------------------------------------------
  private parseOr(): Rule {
    const rules = [this.parseAnd()]
    while (this.acceptKeyword("or")) rules.push(this.parseAnd())
    return rules.length === 1 ? rules[0] : { type: "or", rules }
  }

  private parseAnd(): Rule {
    const rules = [this.parseUnary()]
    while (this.acceptKeyword("and")) rules.push(this.parseUnary())
    return rules.length === 1 ? rules[0] : { type: "and", rules }
  }

  private parseUnary(): Rule {
    if (this.acceptKeyword("not")) {
      this.enter()
      const rule = this.parseUnary()
      this.nesting--
      return { type: "not", rule }
    }
    return this.parsePrimary()
  }

  private parsePrimary(): Rule {
    if (this.isPunct("(")) {
      this.pos++
      this.enter()
      const rule = this.parseOr()
      this.nesting--
      this.expectPunct(")", "')' or AND/OR")
      return rule
    }
    const t = this.peek()
    if (t.kind !== "ident" || KEYWORDS.has(t.text.toLowerCase())) this.fail("a condition (a trait name, event(...), segment(...), consent(...) or '(')")
    const name = t.text.toLowerCase()
    if (FUNCTIONS.has(name) && this.peek(1).kind === "punct" && this.peek(1).text === "(") {
      if (name === "event") return this.parseEvent()
      this.pos += 2
      const arg = this.expectString(name === "segment" ? "a segment handle in quotes" : "a consent purpose in quotes")
      this.expectPunct(")")
      return name === "segment" ? { type: "segment", handle: arg } : { type: "consent", purpose: arg }
    }
    return this.parseTrait()
  }

  // ---- trait comparisons ---------------------------------------------------------------------------------
  private parseTrait(): TraitCondition {
    const trait = this.next().text
    const t = this.peek()
    if (t.kind === "op") {
      const op = CMP_OPS[t.text]
      this.pos++
      return { type: "trait", trait, op, value: this.parseScalar() }
    }
    if (this.acceptKeyword("between")) {
      const low = this.parseScalar()
      this.expectKeyword("and", "AND between the two BETWEEN bounds")
      return { type: "trait", trait, op: "between", value: [low, this.parseScalar()] }
    }
    if (this.acceptKeyword("in")) return { type: "trait", trait, op: "in", value: this.parseList(() => this.parseScalar()) }
    if (this.isKeyword("not") && this.isKeyword("in", 1)) {
      this.pos += 2
      return { type: "trait", trait, op: "not_in", value: this.parseList(() => this.parseScalar()) }
    }
    if (this.acceptKeyword("contains")) return { type: "trait", trait, op: "contains", value: this.parseScalar() }
    if (this.acceptKeyword("is")) {
      const negated = this.acceptKeyword("not")
      this.expectKeyword("null", negated ? "NULL" : "NULL or NOT NULL")
      return { type: "trait", trait, op: negated ? "is_not_null" : "is_null" }
    }
    return this.fail("a comparison operator")
  }

  private parseList<T>(item: () => T): T[] {
    this.expectPunct("(", "'(' to start the list")
    const out = [item()]
    while (this.isPunct(",")) {
      this.pos++
      out.push(item())
    }
    this.expectPunct(")", "',' or ')'")
    return out
  }

  private parseScalar(): Scalar {
    const t = this.peek()
    if (t.kind === "string") return this.next().text
    if (t.kind === "number") return numberLiteral(this.next().text)
    if (this.acceptKeyword("true")) return true
    if (this.acceptKeyword("false")) return false
    if (this.acceptKeyword("today")) return { relative: "today" }
    if (t.kind === "duration") return this.parseRelative()
    return this.fail("a value (a number, 'string', TRUE, FALSE, today or a relative date like -30d)")
  }

  private parseRelative(): RelativeDate {
    const t = this.peek()
    const unit = UNITS[t.unit!.toLowerCase()]
    if (!unit) this.fail("a time unit (m, h or d)")
    if (!t.text.startsWith("-")) this.fail(`a past offset (write -${t.text})`)
    this.pos++
    return { relative: `-${String(Math.abs(t.amount!))}${unit}` }
  }

  // ---- behavioural windows -------------------------------------------------------------------------------
  private parseEvent(): EventCondition {
    this.pos += 2 // event (
    const event = this.expectString("an event type in quotes")
    const where: PropertyFilter[] = []
    while (this.isPunct(",")) {
      this.pos++
      where.push(this.parseFilter())
    }
    this.expectPunct(")", "',' and a property filter, or ')'")
    this.expectPunct(".", "'.' and count(...), sum(...), exists(...) or none(...)")
    const m = this.peek()
    const measure = m.kind === "ident" ? m.text.toLowerCase() : ""
    if (!["count", "sum", "exists", "none"].includes(measure)) this.fail("count, sum, exists or none")
    this.pos++
    this.expectPunct("(")
    if (measure === "sum") {
      const p = this.peek()
      if (p.kind !== "ident") this.fail("the property to sum")
      this.pos++
      this.expectPunct(",", "',' and the window (last 7d)")
      const window = this.parseWindow()
      this.expectPunct(")")
      return { type: "event", event, where, measure: "sum", property: p.text, window, ...this.parseMeasureComparison() }
    }
    const window = this.parseWindow()
    this.expectPunct(")")
    if (measure === "count") return { type: "event", event, where, measure: "count", window, ...this.parseMeasureComparison() }
    return { type: "event", event, where, measure: measure as "exists" | "none", window }
  }

  private parseWindow(): EventWindow {
    this.expectKeyword("last", "the window, like 'last 24h'")
    const t = this.peek()
    if (t.kind === "duration" && !t.text.startsWith("-")) {
      const unit = UNITS[t.unit!.toLowerCase()]
      if (!unit) this.fail("a time unit (m, h or d)")
      this.pos++
      return { amount: t.amount!, unit }
    }
    if (t.kind === "number" && /^\d+$/.test(t.text) && this.peek(1).kind === "ident") {
      const unit = UNITS[this.peek(1).text.toLowerCase()]
      if (unit) {
        this.pos += 2
        return { amount: Number(t.text), unit }
      }
    }
    return this.fail("a duration like 24h, 7d or 30 minutes")
  }

  private parseMeasureComparison():
    | { op: ComparisonOp; value: NumericValue }
    | { op: "between"; value: [NumericValue, NumericValue] } {
    const t = this.peek()
    if (t.kind === "op") {
      this.pos++
      return { op: CMP_OPS[t.text], value: this.parseNumeric() }
    }
    if (this.acceptKeyword("between")) {
      const low = this.parseNumeric()
      this.expectKeyword("and", "AND between the two BETWEEN bounds")
      return { op: "between", value: [low, this.parseNumeric()] }
    }
    return this.fail("a comparison operator")
  }

  private parseNumeric(): NumericValue {
    const t = this.peek()
    if (t.kind === "number") return numberLiteral(this.next().text)
    if (t.kind === "string") return this.next().text
    return this.fail("a number")
  }

  private parseFilter(): PropertyFilter {
    const p = this.peek()
    if (p.kind !== "ident") this.fail("a property name")
    this.pos++
    const property = p.text
    if (this.acceptKeyword("in")) {
      const value = this.parseList(() => this.parseFilterValue())
      return { property, op: "in", value: value as string[] | number[] }
    }
    const t = this.peek()
    if (t.kind !== "op") this.fail(`a comparison operator or IN`)
    this.pos++
    return { property, op: CMP_OPS[t.text], value: this.parseFilterValue() }
  }

  private parseFilterValue(): string | number | boolean {
    const t = this.peek()
    if (t.kind === "string") return this.next().text
    if (t.kind === "number") return numberLiteral(this.next().text)
    if (this.acceptKeyword("true")) return true
    if (this.acceptKeyword("false")) return false
    return this.fail("a value (a number, 'string', TRUE or FALSE)")
  }

  private expectString(what: string): string {
    const t = this.peek()
    if (t.kind !== "string") this.fail(what)
    this.pos++
    return t.text
  }
}

/**
 * A number literal becomes a JS number when that is exact, otherwise a decimal string (so money literals
 * like 12345678901234567.89 keep every digit).
 */
function numberLiteral(text: string): number | string {
  const n = Number(text)
  const exact = toDecimal(text.includes("e") || text.includes("E") ? n : text)
  const asNumber = toDecimal(n)
  if (exact && asNumber && Number.isFinite(n) && compareDecimal(exact, asNumber) === 0) return n
  // Exponent literals beyond double precision are not supported as exact values.
  if (/[eE]/.test(text)) return n
  return decimalToString(toDecimal(text)!)
}

function display(t: Token): string {
  const text = t.text.length > 30 ? t.text.slice(0, 30) + "…" : t.text
  return t.kind === "string" ? `the string '${text}'` : `'${text}'`
}
