/** Random profiles (rows + events + memberships) full of edge values: nulls, wrong JSON types, exact boundaries. */
import fc from "fast-check"
import { DAY_MS } from "../../ast"
import { STRINGS } from "./arbitraries"
import type { TestDb } from "./db"

/** Not a midnight, so `today` and `-1d` differ. 2026-03-15T10:20:30Z. */
export const NOW = new Date("2026-03-15T10:20:30.000Z")
const T = NOW.getTime()
const H = 3_600_000
const M = 60_000
const MIDNIGHT = Date.UTC(2026, 2, 15)

const OFFSETS = [0, 1, -1, 30 * DAY_MS, 30 * DAY_MS + 1, 30 * DAY_MS - 1, DAY_MS, DAY_MS + 1, 48 * H, 48 * H + 1, 15 * M, 15 * M + 1, 7 * DAY_MS, 400 * DAY_MS, 9000 * DAY_MS, -DAY_MS, 24 * H - 1, M, 2 * M]
const instants = [...OFFSETS.map((o) => T - o), MIDNIGHT, MIDNIGHT - 1, MIDNIGHT + 1, MIDNIGHT - DAY_MS, MIDNIGHT + DAY_MS, Date.UTC(2000, 0, 1), Date.UTC(1990, 4, 20)]
export const instantArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...instants) },
  { weight: 1, arbitrary: fc.integer({ min: T - 40 * DAY_MS, max: T + 2 * DAY_MS }) }
)
const dateArb = instantArb.map((t) => new Date(t))
const nullable = <V>(a: fc.Arbitrary<V>) => fc.option(a, { nil: null, freq: 4 })

const stringArb = fc.constantFrom(...STRINGS)
const moneyArb = fc.constantFrom("0", "100.10", "100.1", "99.99", "250", "0.01", "12345678901234567.89", "100.100", "-1")
const intArb = fc.constantFrom(-1, 0, 1, 2, 3, 5, 10)
const realArb = fc.constantFrom(0, 0.25, 0.5, 0.3, 1, 0.1, 0.333)
const jsonNumberish = fc.oneof(fc.constantFrom(0, 1, 2, 3, 5, 10, 0.5, 2.5, 0.3, 0.1, 100, 250, -1), moneyArb, fc.constantFrom("abc", "1e3", " 1", true, null, [1]))
const jsonDateish = fc.oneof(
  dateArb.map((d) => d.toISOString()),
  dateArb.map((d) => d.toISOString().slice(0, 10)),
  dateArb.map((d) => d.toISOString().slice(0, 19) + "Z"),
  fc.constantFrom("1990-05-20", "2026-02-13T10:20:30Z", "2026-02-13T10:20:30.5Z", "2023-02-30", "2024-02-29", "2026-13-01", "not a date", "2026-03-15T10:20:30+02:00", 20260315)
)
const listArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(stringArb, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>("vip", { vip: 1, DE: true }, [["vip"]], [1, "DE"], null, 5) }
)

export interface ProfileSeed {
  id: string
  deleted: boolean
  row: Record<string, unknown>
  events: { type: string; properties: unknown; occurred_at: Date; deleted: boolean }[]
  memberships: { handle: string; state: "open" | "exited" | "deleted" }[]
}

/** Order and cart facts as the server records them (core/behaviour): exact amounts, list properties, units. */
const orderFactArb = fc.record(
  {
    amount: fc.oneof(moneyArb, fc.constantFrom<unknown>("120.1", "0.1", "0.2", "49.95")),
    category_handles: fc.oneof(
      { weight: 4, arbitrary: fc.uniqueArray(stringArb, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>([1, "vip"], "electronics", [["vip"]], null) }
    ),
    item_count: fc.oneof(intArb, fc.constantFrom<unknown>("2", 2.5)),
    category: fc.oneof(stringArb, fc.constantFrom<unknown>(["electronics", "books"], ["DE"])),
  },
  { requiredKeys: ["amount", "category_handles"] }
)

const propertiesArb = fc.oneof(
  { weight: 6, arbitrary: fc.record(
    {
      category: fc.oneof(stringArb, fc.constantFrom<unknown>(5, null, ["electronics"])),
      amount: fc.oneof(fc.constantFrom<unknown>(0, 10, 20.5, 0.1, 0.2, -5, 30.3, 100.1, 0.3), moneyArb, fc.constantFrom<unknown>("abc", true, null)),
      flag: fc.oneof(fc.boolean(), fc.constantFrom<unknown>("true", 1)),
    },
    { requiredKeys: [] }
  ) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>([], ["category"], "x") }
)

const eventArb = fc.record({
  type: fc.constantFrom("product_viewed", "order_placed", "order_placed", "order_canceled", "cart_line_added", "cart_item_added", "x_custom"),
  properties: fc.oneof({ weight: 2, arbitrary: propertiesArb }, { weight: 1, arbitrary: orderFactArb }),
  occurred_at: fc.oneof(
    fc.constantFrom(0, 1, 24 * H, 24 * H - 1, 24 * H + 1, H, H - 1, 15 * M, 7 * DAY_MS, 7 * DAY_MS + 1, 30 * DAY_MS, 90 * DAY_MS, 365 * DAY_MS, -H, 2 * M).map((o) => new Date(T - o)),
    fc.integer({ min: T - 100 * DAY_MS, max: T + DAY_MS }).map((t) => new Date(t))
  ),
  deleted: fc.constantFrom(false, false, false, true),
})

const consentArb = fc.dictionary(
  fc.constantFrom("marketing", "analytics", "personalization", "constructor"),
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ status: fc.constantFrom("granted", "denied", "withdrawn"), recorded_at: fc.constant(NOW.toISOString()) }) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>("granted", { status: true }, null) }
  ),
  { maxKeys: 3 }
)

export const profileArb: fc.Arbitrary<Omit<ProfileSeed, "id">> = fc.record({
  deleted: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
  row: fc.record({
    orders_count: intArb,
    total_spent: moneyArb,
    aov: moneyArb,
    first_order_at: nullable(dateArb),
    last_order_at: nullable(dateArb),
    carts_created: intArb,
    carts_abandoned: intArb,
    abandonment_rate: realArb,
    last_seen_at: nullable(dateArb),
    country: nullable(stringArb),
    has_account: fc.boolean(),
    email_domain: nullable(stringArb),
    customer_created_at: nullable(dateArb),
    rfm_r: nullable(intArb),
    rfm_f: nullable(intArb),
    rfm_m: nullable(intArb),
    rfm_group: nullable(stringArb),
    churn_risk: nullable(realArb),
    traits: fc.record(
      {
        categories_bought: listArb,
        products_bought: listArb,
        group_ids: listArb,
        tags: listArb,
        birth_date: jsonDateish,
        gender: fc.oneof(fc.constantFrom("female", "male", "diverse", "it's", "other"), fc.constantFrom<unknown>(1, null)),
        vip_score: jsonNumberish,
        lifetime_credit: jsonNumberish,
        newsletter: fc.oneof(fc.boolean(), fc.constantFrom<unknown>("true", 1, null)),
        favourite_color: fc.oneof(stringArb, fc.constantFrom<unknown>(7, false)),
      },
      { requiredKeys: [] }
    ),
    consent: consentArb,
  }),
  events: fc.array(eventArb, { maxLength: 12 }),
  memberships: fc.uniqueArray(
    fc.record({ handle: fc.constantFrom("vip", "churned", "b2b"), state: fc.constantFrom<"open" | "exited" | "deleted">("open", "open", "exited", "deleted") }),
    { selector: (m) => m.handle, maxLength: 3 }
  ),
}) as fc.Arbitrary<Omit<ProfileSeed, "id">>

export function sampleProfiles(n: number, seed: number): ProfileSeed[] {
  return fc.sample(profileArb, { numRuns: n, seed }).map((p, i) => ({ ...p, id: `prof_${i}` }))
}

/** Segments: two live ones and one soft-deleted (its open memberships must not count). */
export const SEGMENTS = [
  { id: "seg_vip", handle: "vip", deleted: false },
  { id: "seg_churned", handle: "churned", deleted: false },
  { id: "seg_b2b", handle: "b2b", deleted: true },
]

export async function insertProfiles(db: TestDb, profiles: ProfileSeed[]): Promise<void> {
  const q = db.client.query.bind(db.client)
  for (const s of SEGMENTS) {
    await q("INSERT INTO personalization_segment (id, handle, status, deleted_at) VALUES ($1, $2, 'active', $3)", [s.id, s.handle, s.deleted ? NOW : null])
  }
  let n = 0
  for (const p of profiles) {
    const cols = Object.keys(p.row)
    const values = cols.map((c) => (c === "traits" || c === "consent" ? JSON.stringify(p.row[c]) : p.row[c]))
    await q(
      `INSERT INTO personalization_customer_profile (id, deleted_at, ${cols.join(", ")}) VALUES ($1, $2, ${cols.map((_, i) => `$${i + 3}`).join(", ")})`,
      [p.id, p.deleted ? NOW : null, ...values]
    )
    for (const e of p.events) {
      await q(
        "INSERT INTO personalization_behavior_event (id, profile_id, client_id, type, properties, occurred_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [`ev_${n++}`, p.id, `client_${n}`, e.type, JSON.stringify(e.properties), e.occurred_at, e.deleted ? NOW : null]
      )
    }
    for (const m of p.memberships) {
      const seg = SEGMENTS.find((s) => s.handle === m.handle)!
      await q(
        "INSERT INTO personalization_segment_membership (id, segment_id, profile_id, entered_at, exited_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6)",
        [`mem_${n++}`, seg.id, p.id, new Date(T - DAY_MS), m.state === "exited" ? NOW : null, m.state === "deleted" ? NOW : null]
      )
    }
  }
}
