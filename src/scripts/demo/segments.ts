// Example segments, created through the plugin's own segment workflow (so they are validated, versioned and
// mirrored exactly like segments made in the admin).
import type { MedusaContainer } from "@medusajs/framework/types"
import { createSegmentWorkflow } from "../../workflows/segments/create-segment"
import { updateSegmentWorkflow } from "../../workflows/segments/update-segment"
import { format, parse } from "../../core/rules"

export const DEMO_SEGMENTS = [
  {
    handle: "repeat-buyers",
    name: "Repeat buyers",
    description: "Customers with three or more orders.",
    rule_text: "orders_count >= 3",
    is_public: true,
  },
  {
    handle: "big-spenders",
    name: "Big spenders",
    description: "Lifetime spend of €500 or more.",
    rule_text: "total_spent >= 500",
    is_public: false,
  },
  {
    handle: "lapsed",
    name: "Lapsed customers",
    description: "Bought before, but not in the last 90 days.",
    rule_text: "last_order_at < -90d AND orders_count >= 1",
    is_public: false,
  },
  {
    handle: "one-time-buyers",
    name: "One-time buyers",
    description: "Exactly one order so far.",
    rule_text: "orders_count = 1",
    is_public: false,
  },
  {
    handle: "guests",
    name: "Guest shoppers",
    description: "Checked out without creating an account.",
    // has_account is false for anonymous visitors too: only an order makes a guest shopper
    rule_text: "has_account = false AND orders_count >= 1",
    is_public: false,
  },
] as const

/**
 * Segments the showcase puts to work (seed option `showcase`): an automatic promotion is gated to `vip`, a placement
 * variant targets `home-lovers` (the seeded visitors' browsing puts some of them in it). Both public, so
 * `/store/personalization/me` names them and `/offers` lists what they unlock. Thresholds no shopper reaches in a
 * few minutes (six orders, €2,000), so the journeys' own shoppers on the demo store never pick up the VIP discount.
 */
export const SHOWCASE_SEGMENTS = [
  {
    handle: "vip",
    name: "VIP customers",
    description: "Six or more orders and €2,000 or more spent.",
    rule_text: "orders_count >= 6 AND total_spent >= 2000",
    is_public: true,
  },
  {
    handle: "home-lovers",
    name: "Home & living lovers",
    description: "Viewed three or more home products in the last 30 days.",
    rule_text: "event('product_viewed', category = 'home').count(last 30d) >= 3",
    is_public: true,
  },
] as const

/**
 * Rules earlier seeds gave a demo segment that did not match its description. A store seeded with one, and not
 * edited since, gets the current rule on the next seed run; a rule the merchant changed is left alone.
 */
const SUPERSEDED_RULES: Record<string, string[]> = {
  guests: ["has_account = false"], // matched every consenting anonymous visitor (issue #16)
}

/**
 * Creates each demo segment; a handle that already exists is skipped, unless it still has a superseded demo rule
 * (then its rule is updated through the segment workflow, which refreshes its members).
 */
export async function createDemoSegments(container: MedusaContainer, log: (m: string) => void, opts: { showcase?: boolean } = {}) {
  const created: string[] = []
  const existing = await existingSegments(container)
  for (const s of [...DEMO_SEGMENTS, ...(opts.showcase ? SHOWCASE_SEGMENTS : [])]) {
    const current = existing.get(s.handle)
    if (current) {
      if (SUPERSEDED_RULES[s.handle]?.some((old) => sameRule(old, current.rule_text))) {
        try {
          await updateSegmentWorkflow(container).run({ input: { id: current.id, rule_text: s.rule_text } })
          log(`segment ${s.handle}: rule updated to '${s.rule_text}'`)
        } catch (e: any) {
          log(`segment ${s.handle}: ${e?.message ?? e}`)
        }
      }
      continue
    }
    try {
      await createSegmentWorkflow(container).run({
        input: { ...s, status: "active", purpose: "personalization" },
      })
      created.push(s.handle)
    } catch (e: any) {
      log(`segment ${s.handle}: ${e?.message ?? e}`)
    }
  }
  return created
}

/** Same rule up to spelling (keyword case, spacing): compared in canonical text form. */
function sameRule(a: string, b: string): boolean {
  try {
    return format(parse(a)) === format(parse(b))
  } catch {
    return false
  }
}

type ExistingSegment = { id: string; handle: string; rule_text: string }

async function existingSegments(container: MedusaContainer): Promise<Map<string, ExistingSegment>> {
  const service = container.resolve<any>("personalization")
  const rows: ExistingSegment[] = await service.listSegments(
    { handle: [...DEMO_SEGMENTS, ...SHOWCASE_SEGMENTS].map((s) => s.handle) },
    { select: ["id", "handle", "rule_text"] }
  )
  return new Map(rows.map((r) => [r.handle, r]))
}
