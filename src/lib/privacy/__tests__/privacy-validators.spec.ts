import { describeZodError } from "../../../api/utils/validate"
import { AdminTrackEvents, StoreSetConsent, StoreTrackEvents } from "../../../api/store/personalization/validators"
import { mergeConsent } from "../../../workflows/privacy/steps/merge-visitor"

const message = (schema: { safeParse(v: unknown): any }, body: unknown) => {
  const parsed = schema.safeParse(body)
  return parsed.success ? null : describeZodError(parsed.error)
}

describe("store tracking validation", () => {
  const ev = (over: Record<string, unknown> = {}) => ({ id: "e-1", type: "product_viewed", ...over })

  it("accepts known and custom x_* types, small properties, timestamps with offsets", () => {
    expect(message(StoreTrackEvents, { events: [ev(), ev({ id: "e-2", type: "x_email_open", occurred_at: "2026-01-01T10:00:00+02:00" })] })).toBeNull()
  })

  it("names the field of every problem", () => {
    expect(message(StoreTrackEvents, { events: [ev({ type: "order_placed" })] })).toMatch(/^events\.0\.type: unknown event type/)
    expect(message(StoreTrackEvents, { events: [ev({ type: "x_" })] })).toMatch(/^events\.0\.type/)
    expect(message(StoreTrackEvents, { events: [ev({ occurred_at: new Date(Date.now() + 600_000).toISOString() })] })).toBe(
      "events.0.occurred_at: must not be in the future"
    )
    expect(message(StoreTrackEvents, { events: [ev({ occurred_at: "2026-01-01T10:00:00" })] })).toMatch(/^events\.0\.occurred_at/)
    expect(message(StoreTrackEvents, { events: [ev({ properties: { a: "x".repeat(2100) } })] })).toMatch(/^events\.0\.properties: must be at most 2048 bytes/)
    expect(message(StoreTrackEvents, { events: Array.from({ length: 101 }, (_, i) => ev({ id: `e${i}` })) })).toMatch(/^events: must hold at most 100/)
    expect(message(StoreTrackEvents, { events: [] })).toMatch(/^events: must hold at least one/)
    expect(message(StoreTrackEvents, { events: [ev()], user_id: "cus_1" })).toBe("user_id: unknown field")
  })

  it("tolerates 5 minutes of clock skew", () => {
    expect(message(StoreTrackEvents, { events: [ev({ occurred_at: new Date(Date.now() + 60_000).toISOString() })] })).toBeNull()
  })

  it("admin batches name exactly one subject", () => {
    expect(message(AdminTrackEvents, { events: [ev()] })).toMatch(/^customer_id: exactly one/)
    expect(message(AdminTrackEvents, { events: [ev()], customer_id: "cus_1", visitor_id: "abcdefgh" })).toMatch(/^customer_id: exactly one/)
    expect(message(AdminTrackEvents, { events: [ev()], visitor_id: "bad id" })).toMatch(/^visitor_id: /)
    expect(message(AdminTrackEvents, { events: [ev()], visitor_id: "abcdefgh" })).toBeNull()
  })

  it("consent decisions: statuses and at least one purpose", () => {
    expect(message(StoreSetConsent, { purposes: { marketing: "granted" }, policy_version: "v1" })).toBeNull()
    expect(message(StoreSetConsent, { purposes: { marketing: "yes" } })).toMatch(/^purposes\.marketing: /)
    expect(message(StoreSetConsent, { purposes: {} })).toMatch(/^purposes: must name at least one purpose/)
  })
})

describe("mergeConsent", () => {
  const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString()
  it("keeps the most recent decision per purpose", () => {
    expect(
      mergeConsent(
        { personalization: { status: "denied", recorded_at: at(1) }, marketing: { status: "denied", recorded_at: at(5) } },
        { personalization: { status: "granted", recorded_at: at(2) }, marketing: { status: "granted", recorded_at: at(3) }, analytics: { status: "granted", recorded_at: at(0) } }
      )
    ).toEqual({
      personalization: { status: "granted", recorded_at: at(2) },
      marketing: { status: "denied", recorded_at: at(5) },
      analytics: { status: "granted", recorded_at: at(0) },
    })
  })
})
