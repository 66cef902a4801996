/**
 * compileNextChangeSql against nextChange on real Postgres: for random rules over random profiles (edge-valued
 * traits, events around the window boundaries and after now, memberships), the SQL instant is after `now` and
 * never later than nextChange — the batch refresh may schedule a re-evaluation early, never miss a flip.
 */
import fc from "fast-check"
import { DAY_MS, Rule } from "../ast"
import { compileNextChangeSql } from "../compile-next-change-sql"
import { dependencies } from "../dependencies"
import { nextChange } from "../next-change"
import { parse } from "../parser"
import { Subject } from "../subject"
import { ruleArb, testCatalog } from "./support/arbitraries"
import { TestDb, createTestDb } from "./support/db"
import { loadSubjects } from "./support/load"
import { NOW, insertProfiles, sampleProfiles } from "./support/profiles"

const PROFILES = 220
const RULES = 500
const T = NOW.getTime()
const H = 3_600_000

describe("compileNextChangeSql ≤ nextChange (Postgres)", () => {
  let db: TestDb
  let subjects: Map<string, Subject>
  // the file's fast-check seed (FC_SEED or random, see integration-tests/fast-check-seed.js), so a failure replays
  const seed = fc.readConfigureGlobal().seed ?? Date.now() % 1_000_000

  beforeAll(async () => {
    db = await createTestDb("nextchange")
    await insertProfiles(db, sampleProfiles(PROFILES, seed))
    subjects = await loadSubjects(db, testCatalog)
  }, 60_000)

  afterAll(async () => {
    await db?.drop()
  })

  const sqlNext = async (rule: Rule, now: Date, purpose: string | null = null): Promise<Map<string, number>> => {
    const compiled = compileNextChangeSql(rule, now, testCatalog, { consentPurpose: purpose })
    if (!compiled) return new Map()
    const { rows } = await db.client.query(compiled.text, compiled.values)
    const out = new Map<string, number>()
    for (const r of rows as { profile_id: string; at: Date }[]) {
      expect(out.has(r.profile_id)).toBe(false) // one row per profile
      out.set(r.profile_id, r.at.getTime())
    }
    return out
  }

  /** Checks the property for one rule and `now`; returns how many subjects had a flip and how many of those were exact. */
  const check = async (rule: Rule, now: Date, purpose: string | null = null) => {
    const got = await sqlNext(rule, now, purpose)
    let flips = 0
    let exact = 0
    for (const [id, at] of got) {
      expect(subjects.has(id)).toBe(true) // never a deleted profile
      expect(at).toBeGreaterThan(now.getTime())
    }
    for (const [id, s] of subjects) {
      if (purpose && s.consent[purpose] !== "granted") {
        expect(got.has(id)).toBe(false)
        continue
      }
      const want = nextChange(rule, s, now, testCatalog)
      if (want === null) continue
      flips++
      const at = got.get(id)
      expect({ rule, id, now, want, at: at === undefined ? null : new Date(at) }).toEqual(
        expect.objectContaining({ at: expect.any(Date) })
      )
      expect({ rule, id, now, want, early: at! <= want.getTime() }).toEqual({ rule, id, now, want, early: true })
      if (at === want.getTime()) exact++
    }
    return { flips, exact }
  }

  it(`is after now and never later than nextChange for ${RULES} random rules (profile seed ${seed})`, async () => {
    let informative = 0
    let flips = 0
    let exact = 0
    const nowArb = fc.constantFrom(NOW, NOW, NOW, new Date(T + 1), new Date(T - 1), new Date(T + 7 * H), new Date(T - 29 * DAY_MS))
    await fc.assert(
      fc.asyncProperty(ruleArb(testCatalog), nowArb, fc.constantFrom(null, null, "marketing"), async (rule, now, purpose) => {
        const r = await check(rule, now, purpose)
        if (r.flips > 0) informative++
        flips += r.flips
        exact += r.exact
        // Nothing time-based, nothing to compile.
        if (!dependencies(rule, testCatalog).timeBased) expect(r.flips).toBe(0)
      }),
      { numRuns: RULES }
    )
    // Guard against a vacuous pass, and keep the bound useful: most flips are found exactly.
    expect(informative).toBeGreaterThan(RULES * 0.08)
    console.log(`nextChange SQL: ${exact}/${flips} flips exact`)
    expect(exact).toBeGreaterThan(flips * 0.5)
  }, 240_000)

  // Day counts are 2 of ~36 traits: a run over them and their base dates only (boundary instants: exactly N days, ± 1 ms).
  const daysCatalog = new Map([...testCatalog].filter(([name, d]) => "daysSince" in d.source || name === "last_order_at" || name === "customer_created_at"))
  it("holds for 300 random rules over day counts and their base dates", async () => {
    let informative = 0
    await fc.assert(
      fc.asyncProperty(ruleArb(daysCatalog), fc.constantFrom(NOW, new Date(T + 1), new Date(T - 1), new Date(T + 5 * H)), async (rule, now) => {
        if ((await check(rule, now)).flips > 0) informative++
      }),
      { numRuns: 300 }
    )
    expect(informative).toBeGreaterThan(300 * 0.2)
  }, 240_000)

  it("is exact for the shapes the bench and the demo use (count >= n, exists, relative dates, day counts)", async () => {
    for (const text of [
      "event('product_viewed').count(last 7d) >= 1",
      "event('product_viewed').count(last 30d) >= 2",
      "event('order_placed').exists(last 24h)",
      "last_order_at < -30d",
      "last_seen_at > -7d",
      "days_since_last_order >= 30",
      "last_seen_at >= today",
    ]) {
      const rule = parse(text)
      const got = await sqlNext(rule, NOW)
      for (const [id, s] of subjects) {
        // Events after now make the SQL stop at the first of them (a bound, not the exact flip): skip those subjects.
        if (s.events.some((e) => e.occurred_at.getTime() > T)) continue
        const want = nextChange(rule, s, NOW, testCatalog)
        expect({ text, id, at: got.has(id) && want ? new Date(got.get(id)!) : null }).toEqual({ text, id, at: want })
      }
    }
  })

  it("count >= n on a member: the n-th newest counted event + W is the exit", async () => {
    const id = "prof_fixed"
    await db.client.query(`INSERT INTO personalization_customer_profile (id, consent) VALUES ($1, '{"marketing": {"status": "granted"}}')`, [id])
    for (const [i, h] of [2, 5, 20, 30].entries()) {
      await db.client.query(
        `INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, occurred_at) VALUES ($1, $2, $1, 'product_viewed', $3)`,
        [`fixed_${i}`, id, new Date(T - h * H)]
      )
    }
    try {
      const at = async (text: string, purpose: string | null = null) => (await sqlNext(parse(text), NOW, purpose)).get(id) ?? null
      // 3 in the last 24 h (2, 5, 20 h old): >= 3 ends when the 20 h one leaves (in 4 h), >= 2 when the 5 h one leaves.
      expect(await at("event('product_viewed').count(last 24h) >= 3")).toBe(T + 4 * H)
      expect(await at("event('product_viewed').count(last 24h) >= 2")).toBe(T + 19 * H)
      expect(await at("event('product_viewed').count(last 24h) > 3")).toBeNull() // 3 now, can only fall
      expect(await at("event('product_viewed').count(last 24h) = 3")).toBe(T + 4 * H)
      expect(await at("event('product_viewed').count(last 24h) >= 3", "marketing")).toBe(T + 4 * H)
      expect(await at("event('product_viewed').count(last 24h) >= 3", "analytics")).toBeNull() // no consent, no schedule
      expect(await at("event('product_viewed').count(last 24h) >= 3 AND segment('vip')")).toBe(T + 4 * H)
    } finally {
      await db.client.query(`DELETE FROM personalization_behavior_event WHERE profile_id = $1`, [id])
      await db.client.query(`DELETE FROM personalization_customer_profile WHERE id = $1`, [id])
    }
  })

  it("compiles nothing for a rule that does not change with time", () => {
    expect(compileNextChangeSql(parse("orders_count >= 3 AND segment('vip')"), NOW, testCatalog)).toBeNull()
    expect(compileNextChangeSql(parse("last_order_at < '2026-01-01' OR days_since_last_order IS NULL"), NOW, testCatalog)).toBeNull()
  })
})
