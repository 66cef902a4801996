// Holding an automatic (or code) promotion back from the control arm when a cart is priced. Medusa's engine
// gates the promotion on the customer's groups; a promotion under a running holdout also carries a rule
// `customer.groups.id ne [<marker>]` (holdout-rule.ts). For a control subject the cart is priced with that marker
// added to `customer.groups`, so exactly the held-out promotions fail their rules: other promotions gated to the same
// segment still apply, and so does everything else the segment's group qualifies for. Never throws (a failure
// prices the cart as usual).
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { findGatedOffers } from "../gated-offers"
import { allRunningExperiments, assignAndExpose } from "./expose"
import { holdoutMarker, isHoldoutMarker } from "./holdout-rule"

type Resolver = { resolve<T = unknown>(key: string): T }
type CartLike = { customer_id?: string | null; customer?: ({ id?: string | null; groups?: { id: string }[] | null } & Record<string, unknown>) | null }

export async function promotionHoldoutContext(container: Resolver, cart: CartLike): Promise<Record<string, unknown> | undefined> {
  try {
    const customerId = cart?.customer?.id ?? cart?.customer_id ?? null
    const groups = (cart?.customer?.groups ?? []).filter((g) => g?.id && !isHoldoutMarker(g.id))
    if (!customerId || !groups.length) return undefined
    const running = (await allRunningExperiments(container)).filter((x) => x.target_type === "promotion")
    if (!running.length) return undefined
    const gated = await findGatedOffers(container, groups.map((g) => g.id))
    const gatedIds = new Set(gated.promotions.map((p) => p.id))
    const eligible = running.filter((x) => gatedIds.has(x.target_id))
    if (!eligible.length) return undefined
    // the cart being priced is an exposure of the subject to each eligible promotion
    const { assignments } = await assignAndExpose(container, { customer_id: customerId }, "promotion", eligible.map((x) => x.target_id))
    const markers = assignments.filter((a) => a.arm === "control").map((a) => ({ id: holdoutMarker(a.experiment_id) }))
    if (!markers.length) return undefined
    return { customer: { ...cart.customer, groups: [...groups, ...markers] } }
  } catch (e) {
    try {
      container
        .resolve<{ warn(m: string): void }>(ContainerRegistrationKeys.LOGGER)
        .warn(`personalization experiments: promotion holdout skipped: ${(e as Error)?.message ?? e}`)
    } catch {
      /* nothing more to do */
    }
    return undefined
  }
}
