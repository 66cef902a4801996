/**
 * Recursive-descent parser for the text rule syntax (grammar in docs/rules.md). It produces the AST only;
 * names, types and limits are checked by validateRule. Keywords are case-insensitive. Where each node came from is
 * recorded on the side (positions.ts), so validation errors on a parsed rule name a line and column too.
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
import { SourcePosition, recordPosition } from "./positions"

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

// Units are case-insensitive except `M`, which is refused (see unitOf): minutes in some notations, months in others.
const UNITS: Record<string, WindowUnit> = {
  m: "m", min: "m", mins: "m", minute: "m", minutes: "m",
  h: "h", hr: "h", hrs: "h", hour: "h", hours: "h",
  d: "d", day: "d", days: "d",
  w: "w", wk: "w", wks: "w", week: "w", weeks: "w",
}
const UNIT_HELP = "m or min (minutes), h (hours), d (days) or w (weeks)"
/** Units people write that the language deliberately lacks, and what to write instead. */
const NOT_UNITS: Record<string, string> = {
  mo: "months", mon: "months", mos: "months", month: "months", months: "months",
  y: "years", yr: "years", yrs: "years", year: "years", years: "years",
  s: "seconds", sec: "seconds", secs: "seconds", second: "seconds", seconds: "seconds",
  ms: "milliseconds",
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

  /**
   * The unit of a duration token (`30d`, `-2w`) or unit word (`last 30 days`). `M` is refused rather than read as
   * minutes: `-3M` looks like three months. Months and years are not units (they differ in length, and every unit
   * here is a fixed number of milliseconds that evaluate() and the SQL agree on); seconds are finer than any window.
   */
  private unitOf(t: Token, word: string, written = t.text): WindowUnit {
    const quoted = `'${written}'`
    const at = `at ${t.line}:${t.column}`
    const refuse = (message: string): never => {
      throw new RuleSyntaxError(message, t.line, t.column)
    }
    if (word === "M")
      refuse(`ambiguous time unit 'M' in ${quoted} ${at} — write min (or m) for minutes; months are not a unit, use days or weeks (90d, 13w)`)
    const unit = UNITS[word.toLowerCase()]
    if (unit) return unit
    const missing = NOT_UNITS[word.toLowerCase()]
    if (missing === "months") refuse(`months are not a time unit (${quoted} ${at}) — months differ in length; use days or weeks (90d, 13w)`)
    if (missing === "years") refuse(`years are not a time unit (${quoted} ${at}) — use days (365d) or weeks (52w)`)
    if (missing) refuse(`${missing} are not a time unit (${quoted} ${at}) — the smallest unit is minutes (1m)`)
    return refuse(`unknown time unit '${word}' in ${quoted} ${at} — use ${UNIT_HELP}`)
  }

  private enter(): void {
    if (++this.nesting > MAX_NESTING) {
      const t = this.peek()
      throw new RuleSyntaxError(`rule nested too deeply at ${t.line}:${t.column}`, t.line, t.column)
    }
  }

  // ---- boolean structure ---------------------------------------------------------------------------------
  private parseOr(): Rule {
    const start = at(this.peek())
    const rules = [this.parseAnd()]
    while (this.acceptKeyword("or")) rules.push(this.parseAnd())
    return rules.length === 1 ? rules[0] : recorded({ type: "or", rules }, start)
  }

  private parseAnd(): Rule {
    const start = at(this.peek())
    const rules = [this.parseUnary()]
    while (this.acceptKeyword("and")) rules.push(this.parseUnary())
    return rules.length === 1 ? rules[0] : recorded({ type: "and", rules }, start)
  }

  private parseUnary(): Rule {
    const start = this.peek()
    if (this.acceptKeyword("not")) {
      this.enter()
      const rule = this.parseUnary()
      this.nesting--
      const not: Rule = { type: "not", rule }
      recordPosition(not, at(start))
      return not
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
      const argAt = at(this.peek())
      const arg = this.expectString(name === "segment" ? "a segment handle in quotes" : "a consent purpose in quotes")
      this.expectPunct(")")
      const rule: Rule = name === "segment" ? { type: "segment", handle: arg } : { type: "consent", purpose: arg }
      recordPosition(rule, at(t), { [name === "segment" ? "handle" : "purpose"]: argAt })
      return rule
    }
    return this.parseTrait()
  }

  // ---- trait comparisons ---------------------------------------------------------------------------------
  private parseTrait(): TraitCondition {
    const name = this.next()
    const trait = name.text
    const opToken = this.peek()
    const fields: Record<string, SourcePosition> = { trait: at(name), op: at(opToken) }
    const done = (c: TraitCondition): TraitCondition => recorded(c, at(name), fields)
    const scalar = (field: string): Scalar => {
      fields[field] = at(this.peek())
      return this.parseScalar()
    }
    const list = (): Scalar[] => {
      fields.value = at(this.peek())
      return this.parseList((i) => scalar(`value[${i}]`))
    }
    if (opToken.kind === "op") {
      const op = CMP_OPS[opToken.text]
      this.pos++
      return done({ type: "trait", trait, op, value: scalar("value") })
    }
    const negated = this.isKeyword("not") && (this.isKeyword("between", 1) || this.isKeyword("in", 1))
    if (negated) this.pos++
    if (this.acceptKeyword("between")) {
      fields.value = at(this.peek())
      const low = scalar("value[0]")
      this.expectKeyword("and", "AND between the two BETWEEN bounds")
      const high = scalar("value[1]")
      return done({ type: "trait", trait, op: negated ? "not_between" : "between", value: [low, high] })
    }
    if (this.acceptKeyword("in")) return done({ type: "trait", trait, op: negated ? "not_in" : "in", value: list() })
    if (this.acceptKeyword("contains")) return done({ type: "trait", trait, op: "contains", value: scalar("value") })
    if (this.acceptKeyword("is")) {
      const not = this.acceptKeyword("not")
      this.expectKeyword("null", not ? "NULL" : "NULL or NOT NULL")
      return done({ type: "trait", trait, op: not ? "is_not_null" : "is_null" })
    }
    return this.fail("a comparison operator")
  }

  private parseList<T>(item: (index: number) => T): T[] {
    this.expectPunct("(", "'(' to start the list")
    const out = [item(0)]
    while (this.isPunct(",")) {
      this.pos++
      out.push(item(out.length))
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
    const unit = this.unitOf(t, t.unit!)
    if (!t.text.startsWith("-")) this.fail(`a past offset (write -${t.text})`)
    this.pos++
    return { relative: `-${String(Math.abs(t.amount!))}${unit}` }
  }

  // ---- behavioural windows -------------------------------------------------------------------------------
  /**
   * event('type', filters).measure(...). `count(...) NOT BETWEEN a AND b` (and sum) is read as
   * NOT (count(...) BETWEEN a AND b): a count or sum is never NULL, so the negation is exact.
   */
  private parseEvent(): Rule {
    const start = this.peek()
    this.pos += 2 // event (
    const fields: Record<string, SourcePosition> = { event: at(this.peek()) }
    const event = this.expectString("an event type in quotes")
    const where: PropertyFilter[] = []
    while (this.isPunct(",")) {
      this.pos++
      fields[`where[${where.length}]`] = at(this.peek())
      where.push(this.parseFilter())
    }
    this.expectPunct(")", "',' and a property filter, or ')'")
    this.expectPunct(".", "'.' and count(...), sum(...), exists(...) or none(...)")
    const m = this.peek()
    const measure = m.kind === "ident" ? m.text.toLowerCase() : ""
    if (!["count", "sum", "exists", "none"].includes(measure)) this.fail("count, sum, exists or none")
    fields.measure = at(m)
    this.pos++
    this.expectPunct("(")
    const done = (c: EventCondition): EventCondition => recorded(c, at(start), fields)
    if (measure === "exists" || measure === "none") {
      const window = this.parseWindow(fields)
      this.expectPunct(")")
      return done({ type: "event", event, where, measure, window })
    }
    let property = ""
    if (measure === "sum") {
      const p = this.peek()
      if (p.kind !== "ident") this.fail("the property to sum")
      fields.property = at(p)
      property = p.text
      this.pos++
      this.expectPunct(",", "',' and the window (last 7d)")
    }
    const window = this.parseWindow(fields)
    this.expectPunct(")")
    const { negated, ...cmp } = this.parseMeasureComparison(fields)
    const c = done(
      measure === "sum"
        ? { type: "event", event, where, measure: "sum", property, window, ...cmp }
        : { type: "event", event, where, measure: "count", window, ...cmp }
    )
    return negated ? recorded({ type: "not", rule: c }, at(start)) : c
  }

  private parseWindow(fields: Record<string, SourcePosition>): EventWindow {
    fields.window = at(this.peek())
    this.expectKeyword("last", "the window, like 'last 24h'")
    const t = this.peek()
    if (t.kind === "duration" && !t.text.startsWith("-")) {
      const unit = this.unitOf(t, t.unit!)
      fields["window.amount"] = fields["window.unit"] = at(t)
      this.pos++
      return { amount: t.amount!, unit }
    }
    if (t.kind === "number" && /^\d+$/.test(t.text) && this.peek(1).kind === "ident") {
      const u = this.peek(1)
      if (!KEYWORDS.has(u.text.toLowerCase())) {
        const unit = this.unitOf(u, u.text, `${t.text} ${u.text}`)
        fields["window.amount"] = at(t)
        fields["window.unit"] = at(u)
        this.pos += 2
        return { amount: Number(t.text), unit }
      }
    }
    return this.fail("a duration like 24h, 7d, 2w or 30 minutes")
  }

  private parseMeasureComparison(fields: Record<string, SourcePosition>):
    | { negated: boolean; op: ComparisonOp; value: NumericValue }
    | { negated: boolean; op: "between"; value: [NumericValue, NumericValue] } {
    const t = this.peek()
    fields.op = at(t)
    const numeric = (field: string): NumericValue => {
      fields[field] = at(this.peek())
      return this.parseNumeric()
    }
    if (t.kind === "op") {
      this.pos++
      return { negated: false, op: CMP_OPS[t.text], value: numeric("value") }
    }
    const negated = this.isKeyword("not") && this.isKeyword("between", 1)
    if (negated) this.pos++
    if (this.acceptKeyword("between")) {
      fields.value = at(this.peek())
      const low = numeric("value[0]")
      this.expectKeyword("and", "AND between the two BETWEEN bounds")
      return { negated, op: "between", value: [low, numeric("value[1]")] }
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
    const fields: Record<string, SourcePosition> = { property: at(p), op: at(this.peek()) }
    const value = (field: string) => {
      fields[field] = at(this.peek())
      return this.parseFilterValue()
    }
    const negated = this.isKeyword("not") && this.isKeyword("in", 1)
    if (negated) this.pos++
    if (this.acceptKeyword("in")) {
      fields.value = at(this.peek())
      const list = this.parseList((i) => value(`value[${i}]`))
      return recorded({ property, op: negated ? "not_in" : "in", value: list as string[] | number[] }, at(p), fields)
    }
    if (this.acceptKeyword("contains")) {
      fields.value = at(this.peek())
      if (this.peek().kind !== "string") this.fail("a 'string' after CONTAINS")
      return recorded({ property, op: "contains", value: this.next().text }, at(p), fields)
    }
    const t = this.peek()
    if (t.kind !== "op") this.fail(`a comparison operator, IN, NOT IN or CONTAINS`)
    this.pos++
    return recorded({ property, op: CMP_OPS[t.text], value: value("value") }, at(p), fields)
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

const at = (t: Token): SourcePosition => ({ line: t.line, column: t.column })

function recorded<T extends object>(node: T, start: SourcePosition, fields: Record<string, SourcePosition | undefined> = {}): T {
  recordPosition(node, start, fields)
  return node
}
