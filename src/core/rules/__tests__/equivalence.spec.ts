/**
 * evaluate() and compileSql() must agree: random rules over random profiles, the SQL run against real Postgres,
 * zero differences in membership.
 */
import fc from "fast-check"
import { Rule } from "../ast"
import { compileSegmentQuery } from "../compile-sql"
import { evaluate, matches } from "../evaluate"
import { parse } from "../parser"
import { Subject } from "../subject"
import { validateRule } from "../validate"
import { ruleArb, testCatalog } from "./support/arbitraries"
import { TestDb, createTestDb } from "./support/db"
import { loadSubjects } from "./support/load"
import { NOW, insertProfiles, sampleProfiles } from "./support/profiles"

const PROFILES = 220
const RULES = 600

describe("evaluate ≡ compileSql (Postgres)", () => {
  let db: TestDb
  let subjects: Map<string, Subject>
  // the file's fast-check seed (FC_SEED or random, see integration-tests/fast-check-seed.js), so a failure replays
  const seed = fc.readConfigureGlobal().seed ?? Date.now() % 1_000_000

  beforeAll(async () => {
    db = await createTestDb("equivalence")
    await insertProfiles(db, sampleProfiles(PROFILES, seed))
    subjects = await loadSubjects(db, testCatalog)
  }, 60_000)

  afterAll(async () => {
    await db?.drop()
  })

  const sqlMatches = async (rule: Rule): Promise<string[]> => {
    const { text, values } = compileSegmentQuery(rule, NOW, testCatalog)
    const { rows } = await db.client.query(text, values)
    return rows.map((r: { id: string }) => r.id).sort()
  }
  const jsMatches = (rule: Rule): string[] =>
    [...subjects].filter(([, s]) => evaluate(rule, s, NOW, testCatalog).match).map(([id]) => id).sort()

  it(`has ${PROFILES} profiles (some soft-deleted) loaded as subjects`, () => {
    expect(subjects.size).toBeGreaterThan(PROFILES * 0.75)
    expect(subjects.size).toBeLessThan(PROFILES)
  })

  it(`matches the same profiles for ${RULES} random rules (profile seed ${seed})`, async () => {
    let informative = 0
    await fc.assert(
      fc.asyncProperty(ruleArb(testCatalog), async (rule) => {
        expect(validateRule(rule, testCatalog).ok).toBe(true)
        const [sql, js] = [await sqlMatches(rule), jsMatches(rule)]
        expect({ rule, ids: sql }).toEqual({ rule, ids: js })
        // The trace-free fast path used by the pipeline and nextChange agrees too.
        expect([...subjects].filter(([, s]) => matches(rule, s, NOW, testCatalog)).map(([id]) => id).sort()).toEqual(js)
        if (js.length > 0 && js.length < subjects.size) informative++
      }),
      { numRuns: RULES }
    )
    // Guard against a vacuous pass (everything matching nothing or everything).
    expect(informative).toBeGreaterThan(RULES * 0.3)
  }, 120_000)

  // Day counts are 2 of ~36 traits above (a day count in ~6% of the rules): a run of rules over them and their base
  // dates only, so every operator meets the profiles' boundary instants (exactly 30 days, ± 1 ms, midnights).
  const daysCatalog = new Map([...testCatalog].filter(([name, d]) => "daysSince" in d.source || name === "last_order_at" || name === "customer_created_at"))
  it("matches the same profiles for 400 random rules over day counts and their base dates", async () => {
    let informative = 0
    await fc.assert(
      fc.asyncProperty(ruleArb(daysCatalog), async (rule) => {
        expect(validateRule(rule, testCatalog).ok).toBe(true)
        const [sql, js] = [await sqlMatches(rule), jsMatches(rule)]
        expect({ rule, ids: sql }).toEqual({ rule, ids: js })
        if (js.length > 0 && js.length < subjects.size) informative++
      }),
      { numRuns: 400 }
    )
    expect(informative).toBeGreaterThan(400 * 0.3)
  }, 120_000)

  it("agrees on hand-picked boundary rules", async () => {
    const texts = [
      "last_order_at < -30d",
      "last_order_at <= -30d",
      "last_order_at >= today",
      "last_seen_at BETWEEN -48h AND -15m",
      "birth_date < '2000-01-01'",
      "birth_date = '2023-03-02'",
      "event('product_viewed').count(last 24h) >= 1",
      "event('order_placed').sum(amount, last 90d) >= '100.10'",
      "event('order_placed', amount > 10).exists(last 365d)",
      "event('x_custom', category IN ('it''s', 'a\\\\b')).none(last 30d)",
      // several windows in one rule (one grouped scan): shared windows, NOT / OR around them, zero counts and sums
      "event('product_viewed').count(last 24h) >= 1 AND event('product_viewed').count(last 24h) < 3",
      "event('product_viewed').count(last 7d) = 0",
      "event('product_viewed').count(last 7d) BETWEEN 0 AND 1",
      "event('order_placed').sum(amount, last 90d) <= 0",
      "NOT event('order_placed').exists(last 30d) OR event('order_placed').sum(amount, last 30d) > 10",
      "event('order_placed').sum(amount, last 90d) >= '100.10' AND event('order_placed').sum(flag, last 90d) = 0 AND event('x_custom').count(last 30d) < 2",
      "orders_count >= 1 AND NOT (event('order_placed', amount > 10).count(last 365d) >= 1 OR event('cart_item_added').none(last 48h))",
      // order windows as docs/rules.md writes them (#17.1): orders and spend in a window, a category, no recent order
      "event('order_placed').count(last 90d) >= 2 AND event('order_placed').sum(amount, last 90d) > 200",
      "event('order_placed').count(last 90d) >= 2 AND event('order_placed').sum(amount, last 90d) > '100.1'",
      "event('order_placed', category_handles CONTAINS 'electronics').exists(last 30d)",
      "event('order_placed', category_handles CONTAINS 'vip').count(last 90d) >= 1",
      "event('order_placed', category_handles IN ('vip', 'DE')).count(last 90d) >= 1",
      "event('order_placed', category_handles NOT IN ('vip')).exists(last 365d)",
      "event('order_placed', category CONTAINS 'elec').exists(last 365d) OR event('product_viewed', category CONTAINS '').exists(last 365d)",
      "event('order_placed').none(last 90d) AND orders_count >= 1",
      "event('order_canceled').exists(last 30d) AND event('order_placed').sum(amount, last 30d) BETWEEN 0 AND '120.1'",
      "event('cart_line_added').count(last 2h) >= 1 AND event('cart_completed').none(last 2h)",
      "event('product_viewed', category = 'electronics').exists(last 30d) AND event('product_viewed').count(last 30d) >= 2",
      "total_spent = '100.1'",
      "abandonment_rate = 0.3",
      "churn_risk != 0.1",
      "NOT country = 'DE'",
      "country != 'DE'",
      "tags CONTAINS 'vip' OR group_ids NOT IN ('DE', 'AT')",
      "categories_bought IS NULL",
      "consent('marketing') AND NOT consent('constructor')",
      "segment('vip') OR segment('b2b')",
      "vip_score BETWEEN 1 AND 3 OR lifetime_credit > '100.1'",
      "newsletter = true OR newsletter IS NULL",
      "gender IN ('it''s', 'female')",
      "favourite_color CONTAINS ''",
      // derived day counts: every operator, non-integer and far-away values (thresholds beyond year 9999 / before year 1)
      "days_since_last_order >= 30",
      "days_since_last_order > 29.5",
      "days_since_last_order < 30",
      "days_since_last_order <= '30.5'",
      "days_since_last_order = 30",
      "days_since_last_order = 30.5",
      "days_since_last_order != 30",
      "days_since_last_order != 0.5",
      "days_since_last_order BETWEEN 1 AND 30",
      "days_since_last_order IN (0, 1, 30, 30.5)",
      "days_since_last_order NOT IN (0, 30)",
      "days_since_last_order NOT IN (0.5)",
      "days_since_last_order IS NULL",
      "NOT days_since_last_order >= 0",
      "days_since_last_order >= -1 AND days_since_last_order < 0",
      "days_since_last_order < '12345678901234567.89'",
      "days_since_last_order > '-12345678901234567.89'",
      "days_since_last_order IN ('12345678901234567', 3000000, -3000000)",
      "customer_age_days < 7",
      "customer_age_days >= 9000 OR customer_age_days BETWEEN 6 AND 8",
    ]
    for (const t of texts) {
      const v = validateRule(parse(t), testCatalog)
      if (!v.ok) throw new Error(`${t}: ${JSON.stringify(v.errors)}`)
      expect({ t, ids: await sqlMatches(v.rule) }).toEqual({ t, ids: jsMatches(v.rule) })
    }
  })
})
