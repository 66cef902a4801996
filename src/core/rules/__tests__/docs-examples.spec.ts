/**
 * Every rule example in docs/rules.md and README.md is executed (issue #17.4): parsed, validated, formatted back,
 * and evaluated by evaluate() and by the compiled SQL on Postgres over the same sample profiles, which must agree.
 *
 * What counts as a rule example: each `text` code block (one rule per blank-line separated chunk), every
 * `"rule_text": "…"` in the docs, and every inline code span that starts like a rule (a name and an operator, or
 * event( / segment( / consent(, optionally after NOT). Inline spans that look like that but are patterns, SQL or
 * explanation texts are listed in NOT_RULES; documented examples of refused rules in REFUSED, with their error.
 */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Rule } from "../ast"
import { RESERVED_WORDS } from "../catalog"
import { compileSegmentQuery } from "../compile-sql"
import { evaluate } from "../evaluate"
import { format } from "../format"
import { parse } from "../parser"
import { Subject } from "../subject"
import { validateRule, validateText } from "../validate"
import { testCatalog } from "./support/arbitraries"
import { TestDb, createTestDb } from "./support/db"
import { loadSubjects } from "./support/load"
import { NOW, insertProfiles, sampleProfiles } from "./support/profiles"

const ROOT = join(__dirname, "../../../..")
const FILES = ["docs/rules.md", "README.md"] as const
type File = (typeof FILES)[number]

/** Inline code in each file that starts like a rule but is not one (a pattern, SQL, a membership reason). */
const NOT_RULES: Record<File, string[]> = {
  "docs/rules.md": [
    "segment(...)",
    "x NOT BETWEEN a AND b",
    "x NOT IN (…)",
    "a > b",
    "last_order_at <= now − 30 d",
    "last_order_at > now − 30 d",
    "days >= k ⇔ t <= now − k d",
    "days < k ⇔ t > now − k d",
    "event('<type>', <filters>).<measure>(last N<unit>)",
    "exited_at IS NULL",
  ],
  "README.md": ["orders_count >= 3 (was 3)"],
}

/** Documented examples of rules that are refused, and the start of the error they get. */
const REFUSED: Record<string, string> = {
  "country > 3": "operator '>' does not apply to string trait 'country' at 1:9",
}

const RULE_START =
  /^(?:NOT\s+)?(?:(?:event|segment|consent)\s*\(|([A-Za-z_][A-Za-z0-9_]*)\s+(?:=|==|!=|<>|>=|<=|>|<|BETWEEN\b|NOT\s+(?:BETWEEN|IN)\b|IN\b|CONTAINS\b|IS\b))/i

interface Example {
  file: File
  line: number
  text: string
  kind: "text block" | "inline" | "rule_text"
}

/** Blanks out fenced blocks (keeping line numbers) so inline spans are only read from prose and tables. */
function withoutFences(md: string): string {
  return md.replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, " "))
}

const lineOf = (md: string, index: number) => md.slice(0, index).split("\n").length

function extract(file: File): { examples: Example[]; lookalikes: string[] } {
  const md = readFileSync(join(ROOT, file), "utf8")
  const examples: Example[] = []
  const lookalikes: string[] = []
  for (const m of md.matchAll(/```text\n([\s\S]*?)```/g)) {
    let offset = m.index! + "```text\n".length
    for (const chunk of m[1].split(/\n\s*\n/)) {
      if (chunk.trim()) examples.push({ file, line: lineOf(md, offset + chunk.search(/\S/)), text: chunk.trim(), kind: "text block" })
      offset += chunk.length + 2
    }
  }
  for (const m of md.matchAll(/"rule_text"\s*:\s*("(?:[^"\\]|\\.)*")/g))
    examples.push({ file, line: lineOf(md, m.index!), text: JSON.parse(m[1]) as string, kind: "rule_text" })
  const prose = withoutFences(md)
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) {
    const code = m[1]
    const start = RULE_START.exec(code)
    if (!start || (start[1] !== undefined && RESERVED_WORDS.has(start[1].toLowerCase()))) continue
    if (NOT_RULES[file].includes(code)) lookalikes.push(code)
    else examples.push({ file, line: lineOf(prose, m.index!), text: code, kind: "inline" })
  }
  return { examples, lookalikes }
}

const extracted = Object.fromEntries(FILES.map((f) => [f, extract(f)])) as Record<File, ReturnType<typeof extract>>
const all = FILES.flatMap((f) => extracted[f].examples)
const runnable = all.filter((e) => !(e.text in REFUSED))
const where = (e: Example) => `${e.file}:${e.line} (${e.kind}) ${e.text}`

describe("every rule example in docs/rules.md and README.md", () => {
  it("finds the examples (the extraction itself works)", () => {
    const inFile = (f: File, kind: Example["kind"]) => extracted[f].examples.filter((e) => e.kind === kind).length
    expect(inFile("docs/rules.md", "inline")).toBeGreaterThanOrEqual(40)
    expect(inFile("docs/rules.md", "text block")).toBeGreaterThanOrEqual(1)
    expect(inFile("README.md", "inline")).toBeGreaterThanOrEqual(2)
    expect(inFile("README.md", "rule_text")).toBeGreaterThanOrEqual(1)
    // A multi-line text block is one rule.
    expect(all.find((e) => e.kind === "text block" && e.text.includes("\n"))).toBeDefined()
    // Every listed non-rule still occurs (the list cannot go stale) and nothing is both.
    for (const f of FILES) expect([...new Set(extracted[f].lookalikes)].sort()).toEqual([...NOT_RULES[f]].sort())
    for (const refused of Object.keys(REFUSED)) expect(all.some((e) => e.text === refused)).toBe(true)
  })

  it("parses and validates each one (with the declared traits of the docs), and formats back to the same rule", () => {
    const problems: string[] = []
    for (const e of runnable) {
      const r = validateText(e.text, testCatalog)
      if (!r.ok) {
        problems.push(`${where(e)}: ${r.errors.map((x) => x.message).join("; ")}`)
        continue
      }
      if (JSON.stringify(parse(format(r.rule))) !== JSON.stringify(r.rule)) problems.push(`${where(e)}: format round trip differs`)
    }
    // If a new inline snippet is a pattern rather than a rule, add it to NOT_RULES; if it shows an error, to REFUSED.
    expect(problems).toEqual([])
  })

  it("refuses the documented examples of bad rules with the documented error", () => {
    for (const [text, message] of Object.entries(REFUSED)) {
      const r = validateText(text, testCatalog)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.errors[0].message.startsWith(message)).toBe(true)
    }
  })

  it("the JSON form shown beside a text rule is that rule", () => {
    const md = readFileSync(join(ROOT, "docs/rules.md"), "utf8")
    const pairs = [...md.matchAll(/`([^`\n]+)` is\s*\n\s*```json\n([\s\S]*?)```/g)]
    expect(pairs.length).toBeGreaterThanOrEqual(1)
    for (const [, text, json] of pairs) {
      const v = validateRule(JSON.parse(json), testCatalog)
      expect(v.ok).toBe(true)
      expect(JSON.parse(json)).toEqual(parse(text))
    }
  })

  describe("runs each one in both back ends", () => {
    let db: TestDb
    let subjects: Map<string, Subject>
    beforeAll(async () => {
      db = await createTestDb("docs_examples")
      await insertProfiles(db, sampleProfiles(150, 17))
      subjects = await loadSubjects(db, testCatalog)
    }, 60_000)
    afterAll(async () => {
      await db?.drop()
    })

    it("evaluate() and the compiled SQL match the same profiles for every example", async () => {
      const seen = new Set<string>()
      let informative = 0
      for (const e of runnable) {
        if (seen.has(e.text)) continue
        seen.add(e.text)
        const r = validateText(e.text, testCatalog)
        if (!r.ok) continue // reported by the test above
        const rule: Rule = r.rule
        const { text, values } = compileSegmentQuery(rule, NOW, testCatalog)
        const sql = (await db.client.query(text, values)).rows.map((row: { id: string }) => row.id).sort()
        const js = [...subjects].filter(([, s]) => evaluate(rule, s, NOW, testCatalog).match).map(([id]) => id).sort()
        expect({ example: where(e), ids: sql }).toEqual({ example: where(e), ids: js })
        if (js.length > 0 && js.length < subjects.size) informative++
      }
      expect(seen.size).toBeGreaterThanOrEqual(40)
      // The sample profiles make a good share of the examples split the population (not all-or-nothing).
      expect(informative).toBeGreaterThanOrEqual(seen.size / 3)
    }, 60_000)
  })
})
