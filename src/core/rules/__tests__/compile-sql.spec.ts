import fc from "fast-check"
import { Rule } from "../ast"
import { TraitCatalog, defaultCatalog } from "../catalog"
import { compileSegmentQuery, compileSql } from "../compile-sql"
import { evaluate } from "../evaluate"
import { parse } from "../parser"
import { subjectFromProfileRow } from "../subject"
import { validateRule } from "../validate"
import { ruleArb, testCatalog, widePools } from "./support/arbitraries"
import { TestDb, createTestDb } from "./support/db"

const NOW = new Date("2026-03-15T10:20:30.000Z")

/** Every quoted literal the compiler itself may write: catalogue keys and fixed SQL constants. */
const FIXED_LITERALS = new Set([
  "string", "number", "boolean", "array", "granted", "status", "active", "{}", "UTC", "1 millisecond", "0",
  "^-?[0-9]+(\\.[0-9]+)?$",
  "^([1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(?:T([01][0-9]|2[0-3]):([0-5][0-9])(?::([0-5][0-9])(?:\\.([0-9]{1,3}))?)?Z)?$",
  ...[...testCatalog.values()].flatMap((d) => ("jsonb" in d.source ? [d.source.jsonb] : [])),
])

describe("compileSql: text never contains values", () => {
  it("property: every quoted literal in the SQL is a catalogue key or a fixed constant (random unicode values)", () => {
    fc.assert(
      fc.property(ruleArb(testCatalog, widePools), (rule: Rule) => {
        const { text, values } = compileSql(rule, NOW, testCatalog)
        const literals = [...text.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1])
        for (const l of literals) expect(FIXED_LITERALS.has(l)).toBe(true)
        // Placeholders are numbered 1..n with no gaps, and there is one value per placeholder.
        const used = new Set([...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))
        expect([...used].sort((a, b) => a - b)).toEqual(values.map((_, i) => i + 1))
        // The same for the full query (windows in one aggregate, the CTE `w`).
        const q = compileSegmentQuery(rule, NOW, testCatalog)
        for (const [, l] of q.text.matchAll(/'((?:[^']|'')*)'/g)) expect(FIXED_LITERALS.has(l)).toBe(true)
        const usedQ = new Set([...q.text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])))
        expect([...usedQ].sort((a, b) => a - b)).toEqual(q.values.map((_, i) => i + 1))
      }),
      { numRuns: 1000 }
    )
  })

  it("numbers placeholders from firstParam", () => {
    const { text, values } = compileSql(parse("orders_count > 1 AND country = 'DE'"), NOW, defaultCatalog, { firstParam: 3 })
    expect(text).toBe("(COALESCE(p.orders_count > $3::numeric, false) AND COALESCE(p.country = $4::text, false))")
    expect(values).toEqual(["1", "DE"])
  })

  it("sends relative dates and windows as instants computed from now", () => {
    const { values } = compileSql(parse("last_order_at < -30d AND event('x').exists(last 24h) AND last_seen_at >= today"), NOW)
    expect(values).toEqual([
      "2026-02-13T10:20:30.000Z",
      "x",
      "2026-03-14T10:20:30.000Z",
      "2026-03-15T10:20:30.000Z",
      "2026-03-15T00:00:00.000Z",
    ])
  })

  it("refuses catalogue identifiers that are not plain SQL identifiers", () => {
    const bad: TraitCatalog = new Map([
      ["evil", { name: "evil", type: "string", label: "", description: "", source: { column: "country; DROP TABLE x", columnType: "text" } }],
    ])
    expect(() => compileSql({ type: "trait", trait: "evil", op: "is_null" }, NOW, bad)).toThrow(/not a plain SQL identifier/)
  })

  it("builds the full membership query", () => {
    expect(compileSegmentQuery(parse("consent('marketing')"), NOW)).toEqual({
      text: "SELECT p.id FROM personalization_customer_profile p WHERE p.deleted_at IS NULL AND (COALESCE((p.consent -> $1::text ->> 'status') = 'granted', false))",
      values: ["marketing"],
    })
  })
})

describe("compileSegmentQuery: behavioural windows in one pass over the events", () => {
  const q = (text: string) => {
    const v = validateRule(parse(text))
    if (!v.ok) throw new Error(JSON.stringify(v.errors))
    return compileSegmentQuery(v.rule, NOW).text
  }
  const eventScans = (sql: string) => sql.split("FROM personalization_behavior_event e").length - 1

  it("reads all of a rule's windows in one grouped scan, never a per-profile subquery", () => {
    const sql = q(
      "event('product_viewed').count(last 7d) >= 2 AND (event('order_placed').sum(amount, last 30d) > 10" +
        " OR NOT event('product_viewed').exists(last 7d) OR event('x_custom', category = 'a').count(last 24h) < 3)"
    )
    expect(eventScans(sql)).toBe(1)
    // One aggregate, computed once (a MATERIALIZED CTE), joined to the profiles by id.
    expect(sql).toMatch(/^WITH w AS MATERIALIZED \(SELECT e\.profile_id, .* GROUP BY e\.profile_id\) SELECT p\.id FROM personalization_customer_profile p JOIN w ON w\.profile_id = p\.id WHERE /)
    expect(sql).not.toContain("e.profile_id = p.id")
    // Same (type, filters, window) → one column: n0 (product_viewed 7d, twice), n1 + s0 (order_placed), n2 (x_custom).
    expect(sql.match(/ AS (n\d+|s\d+)/g)).toEqual([" AS n0", " AS n1", " AS s0", " AS n2"])
    expect(sql.match(/FILTER \(WHERE/g)).toHaveLength(4)
  })

  it("one window: its predicate is the scan's WHERE, no FILTER", () => {
    const sql = q("event('product_viewed', category = 'sofas').count(last 7d) >= 1")
    expect(eventScans(sql)).toBe(1)
    expect(sql).not.toContain("FILTER")
  })

  it("inner join only when a top-level conjunct is false for a profile without events", () => {
    const join = (t: string) => / (LEFT JOIN|JOIN) w ON w\.profile_id = p\.id /.exec(q(t))?.[1] ?? null
    expect(join("event('product_viewed').count(last 7d) >= 1")).toBe("JOIN")
    expect(join("country = 'DE' AND event('product_viewed').exists(last 7d)")).toBe("JOIN")
    expect(join("country = 'DE' AND (event('order_placed').sum(amount, last 7d) > 0 AND orders_count > 1)")).toBe("JOIN")
    expect(join("event('product_viewed').count(last 7d) < 1")).toBe("LEFT JOIN")
    expect(join("event('product_viewed').count(last 7d) = 0")).toBe("LEFT JOIN")
    expect(join("event('product_viewed').count(last 7d) BETWEEN 0 AND 2")).toBe("LEFT JOIN")
    expect(join("event('product_viewed').none(last 7d)")).toBe("LEFT JOIN")
    expect(join("event('order_placed').sum(amount, last 7d) <= 0")).toBe("LEFT JOIN")
    expect(join("NOT event('product_viewed').exists(last 7d)")).toBe("LEFT JOIN")
    expect(join("event('product_viewed').exists(last 7d) OR country = 'DE'")).toBe("LEFT JOIN")
    expect(join("country = 'DE'")).toBeNull()
  })
})

describe("compileSql: hostile values are matched literally in Postgres", () => {
  let db: TestDb
  const HOSTILE = [
    "'; DROP TABLE personalization_customer_profile; --",
    "O'Brien",
    "it''s",
    "a\\b",
    "\\'",
    "-- comment",
    "$1",
    "%_",
    "😀 ünï 中文",
    "\u200B zero width",
    "' OR '1'='1",
    "\"quoted\"",
    "line\nbreak",
  ]

  beforeAll(async () => {
    db = await createTestDb("hostile")
    for (const [i, v] of HOSTILE.entries()) {
      await db.client.query("INSERT INTO personalization_customer_profile (id, country, traits) VALUES ($1, $2, $3)", [
        `p${i}`,
        v,
        JSON.stringify({ tags: [v] }),
      ])
      await db.client.query(
        "INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, properties, occurred_at) VALUES ($1, $2, 'c', 'x_hostile', $3, $4)",
        [`e${i}`, `p${i}`, JSON.stringify({ note: v }), new Date(NOW.getTime() - 1000)]
      )
    }
  }, 60_000)
  afterAll(async () => {
    await db?.drop()
  })

  const run = async (rule: Rule) => {
    const v = validateRule(rule)
    if (!v.ok) throw new Error(JSON.stringify(v.errors))
    const { text, values } = compileSegmentQuery(v.rule, NOW)
    return (await db.client.query(text, values)).rows.map((r: { id: string }) => r.id).sort()
  }

  it.each(HOSTILE.map((v, i) => [i, v]))("value #%i matches exactly its own profile", async (i, v) => {
    const id = `p${i}`
    expect(await run({ type: "trait", trait: "country", op: "=", value: v as string })).toEqual([id])
    expect(await run({ type: "trait", trait: "tags", op: "contains", value: v as string })).toEqual([id])
    expect(
      await run({ type: "event", event: "x_hostile", where: [{ property: "note", op: "=", value: v as string }], measure: "exists", window: { amount: 1, unit: "h" } })
    ).toEqual([id])
  })

  it("parses hostile text into values, never SQL, and the table survives", async () => {
    const ids = await run(parse("country = '''; DROP TABLE personalization_customer_profile; --' OR country CONTAINS '\\\\'"))
    expect(ids).toEqual(["p0", "p3", "p4"])
    const { rows } = await db.client.query("SELECT count(*)::int AS n FROM personalization_customer_profile")
    expect(rows[0].n).toBe(HOSTILE.length)
  })

  it("evaluate agrees on the hostile profiles", async () => {
    const { rows } = await db.client.query("SELECT * FROM personalization_customer_profile")
    for (const v of HOSTILE) {
      const rule: Rule = { type: "trait", trait: "country", op: "contains", value: v.slice(0, 2) }
      const js = rows.filter((r: any) => evaluate(rule, subjectFromProfileRow(r), NOW).match).map((r: any) => r.id).sort()
      expect(await run(rule)).toEqual(js)
    }
  })
})
