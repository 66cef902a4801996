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
export async function createDemoSegments(container: MedusaContainer, log: (m: string) => void) {
  const created: string[] = []
  const existing = await existingSegments(container)
  for (const s of DEMO_SEGMENTS) {
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
    { handle: DEMO_SEGMENTS.map((s) => s.handle) },
    { select: ["id", "handle", "rule_text"] }
  )
  return new Map(rows.map((r) => [r.handle, r]))
}
