// Holding an automatic (or code) promotion back from the control arm when a cart is priced. Medusa's engine
// gates the promotion on the customer's groups; for a control subject we price the cart with a context whose
// `customer.groups` lacks the segment's group — but only when every promotion gated on that group is held out
// for this subject, so no other discount is ever taken away. Never throws (a failure prices the cart as usual).
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { findGatedOffers } from "../gated-offers"
import { allRunningExperiments, assignAndExpose } from "./expose"

type Resolver = { resolve<T = unknown>(key: string): T }
type CartLike = { customer_id?: string | null; customer?: ({ id?: string | null; groups?: { id: string }[] | null } & Record<string, unknown>) | null }

export async function promotionHoldoutContext(container: Resolver, cart: CartLike): Promise<Record<string, unknown> | undefined> {
  try {
    const customerId = cart?.customer?.id ?? cart?.customer_id ?? null
    const groups = (cart?.customer?.groups ?? []).filter((g) => g?.id)
    if (!customerId || !groups.length) return undefined
    const running = (await allRunningExperiments(container)).filter((x) => x.target_type === "promotion")
    if (!running.length) return undefined
    const gated = await findGatedOffers(container, groups.map((g) => g.id))
    const experimented = new Set(running.map((r) => r.target_id))
    const eligible = gated.promotions.filter((p) => experimented.has(p.id))
    if (!eligible.length) return undefined
    // the cart being priced is an exposure of the subject to each eligible promotion
    const { heldOut } = await assignAndExpose(container, { customer_id: customerId }, "promotion", eligible.map((p) => p.id))
    if (!heldOut.size) return undefined
    const withheld = new Set<string>()
    for (const g of groups) {
      const onGroup = gated.promotions.filter((p) => p.group_ids.includes(g.id))
      if (onGroup.length && onGroup.every((p) => heldOut.has(p.id))) withheld.add(g.id)
    }
    if (!withheld.size) return undefined
    return { customer: { ...cart.customer, groups: groups.filter((g) => !withheld.has(g.id)) } }
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
