// Example segments, created through the plugin's own segment workflow (so they are validated, versioned and
// mirrored exactly like segments made in the admin).
import type { MedusaContainer } from "@medusajs/framework/types"
import { createSegmentWorkflow } from "../../workflows/segments/create-segment"

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
    rule_text: "has_account = false",
    is_public: false,
  },
] as const

/** Creates each demo segment; a handle that already exists is reported and skipped. */
export async function createDemoSegments(container: MedusaContainer, log: (m: string) => void) {
  const created: string[] = []
  const existing = await existingHandles(container)
  for (const s of DEMO_SEGMENTS) {
    if (existing.has(s.handle)) continue
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

async function existingHandles(container: MedusaContainer): Promise<Set<string>> {
  const service = container.resolve<any>("personalization")
  const rows = await service.listSegments({ handle: DEMO_SEGMENTS.map((s) => s.handle) }, { select: ["handle"] })
  return new Set(rows.map((r: { handle: string }) => r.handle))
}
