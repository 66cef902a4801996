// The two demo shopper accounts whose logins `npm run dev` prints: a member of the gated segments (a VIP repeat buyer:
// "Welcome back" on the home page, member prices, the VIP discount) and a customer in neither (a lapsed one: the
// win-back banner, regular prices, no offers). Registered the way a storefront registers a customer (emailpass auth
// identity + createCustomerAccountWorkflow), with a deterministic order history and personalization consent recorded
// through the plugin's consent workflow, which computes their traits and memberships.
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createCustomerAccountWorkflow } from "@medusajs/medusa/core-flows"
import manifest from "./manifest.json"
import { toOrder } from "./orders"
import type { DemoCustomer, PlannedOrder } from "./people"
import type { Rng } from "./prng"
import type { SeededProduct } from "./products"
import type { StoreSetup } from "./store-setup"
import { recordConsentWorkflow } from "../../workflows/privacy/record-consent"
import { refreshCustomerProfileWorkflow } from "../../workflows/pipeline/refresh-customer-profile"
import { consentGranted, findProfile } from "../../lib/privacy/profiles"

export type ShopperRole = "member" | "nonmember"
export const VIP_SPEND = 2400 // planned lifetime spend of the member: above the `vip` segment's €2,000

type Plan = DemoCustomer & { password: string }

/**
 * Order histories (pure, deterministic from `rng` and the catalogue sorted by handle): the member bought every few
 * weeks over the whole window, last a few days ago, from the pricier products (6+ orders, ≥ €2,400: `vip`,
 * `repeat-buyers`); the non-member twice, four to five months ago, the cheapest product (`lapsed` only).
 */
export function planShoppers(rng: Rng, products: SeededProduct[]): Record<ShopperRole, Plan> {
  const price = (i: number) => products[i].variants[0].price
  const byPrice = products.map((_, i) => i).sort((a, b) => price(b) - price(a) || products[a].handle.localeCompare(products[b].handle))
  const pricey = byPrice.slice(0, Math.max(2, Math.ceil(byPrice.length / 3)))
  const cheapest = byPrice[byPrice.length - 1]
  const jitter = (d: number, spread: number) => Math.max(1, d + (rng.next() * 2 - 1) * spread)
  const line = (productIndex: number, quantity: number) => ({ productIndex, variantIndex: rng.int(0, products[productIndex].variants.length - 1), quantity })

  const memberOrders: PlannedOrder[] = [172, 151, 128, 104, 83, 61, 40, 19, 4].map((d) => {
    const first = rng.pick(pricey)
    const second = pricey.find((i) => i !== first) ?? first
    const lines = [line(first, rng.int(1, 2))]
    if (second !== first) lines.push(line(second, 1))
    return { daysAgo: jitter(d, 3), lines }
  })
  const lineTotal = (o: PlannedOrder) => o.lines.reduce((s, l) => s + products[l.productIndex].variants[l.variantIndex].price * l.quantity, 0)
  // top up the most recent order until the history clears the VIP spend (small catalogues are cheaper)
  const last = memberOrders[memberOrders.length - 1]
  while (memberOrders.reduce((s, o) => s + lineTotal(o), 0) < VIP_SPEND) last.lines[0].quantity++

  const nonmemberOrders: PlannedOrder[] = [146, 118].map((d) => ({ daysAgo: jitter(d, 5), lines: [line(cheapest, 1)] }))

  const plan = (role: ShopperRole, archetype: DemoCustomer["archetype"], country: string, city: string, orders: PlannedOrder[]): Plan => {
    const s = manifest.shoppers[role]
    return {
      email: s.email,
      password: s.password,
      first_name: s.first_name,
      last_name: s.last_name,
      phone: role === "member" ? "+49 30 5550101" : "+31 30 5550102",
      has_account: true,
      archetype,
      country,
      city,
      orders: orders.sort((a, b) => b.daysAgo - a.daysAgo),
    }
  }
  return {
    member: plan("member", "vip", "de", "Berlin", memberOrders),
    nonmember: plan("nonmember", "lapsed", "nl", "Utrecht", nonmemberOrders),
  }
}

const DAY = 86_400_000

/**
 * Makes each demo account that is missing (auth identity, customer, orders, consent) and returns their customer ids.
 * An account that exists is left as it is, except that missing consent is recorded again.
 */
export async function ensureDemoShoppers(
  container: MedusaContainer,
  ctx: { setup: StoreSetup; products: SeededProduct[]; now: Date; rng: Rng; log: (m: string) => void }
): Promise<Record<ShopperRole, string>> {
  const plans = planShoppers(ctx.rng, ctx.products)
  const ids = {} as Record<ShopperRole, string>
  for (const role of ["member", "nonmember"] as const) {
    const p = plans[role]
    const { customerId, created } = await ensureAccount(container, p)
    ids[role] = customerId
    let ordersMade = 0
    const orderModule = container.resolve(Modules.ORDER)
    const [, existingOrders] = await orderModule.listAndCountOrders({ customer_id: customerId }, { select: ["id"], take: 1 })
    if (!existingOrders) {
      const orders = p.orders.map((o) => toOrder(p, o, customerId, new Date(ctx.now.getTime() - o.daysAgo * DAY), ctx.setup, ctx.products))
      ordersMade = (await orderModule.createOrders(orders)).length
    }
    // Consent through the plugin's workflow: it recomputes the traits from the orders and evaluates the segments.
    const profile = await findProfile(container, { customer_id: customerId })
    if (!consentGranted(profile, "personalization")) {
      await recordConsentWorkflow(container).run({
        input: { subject: { customer_id: customerId }, decisions: [{ purpose: "personalization", status: "granted" }], source: "store", now: ctx.now },
      })
    } else if (ordersMade) {
      await refreshCustomerProfileWorkflow(container).run({ input: { customer_id: customerId, now: ctx.now } })
    }
    if (created || ordersMade) ctx.log(`demo shopper ${p.email}: ${created ? "account created" : "account kept"}, ${ordersMade} orders`)
  }
  return ids
}

/** The emailpass identity and the customer linked to it, as a storefront's register + create-customer calls make them. */
async function ensureAccount(container: MedusaContainer, p: Plan): Promise<{ customerId: string; created: boolean }> {
  const customers = container.resolve(Modules.CUSTOMER)
  const [customer] = await customers.listCustomers({ email: p.email, has_account: true }, { select: ["id"] })
  if (customer) return { customerId: customer.id, created: false }
  const auth = container.resolve(Modules.AUTH)
  const [identity] = await auth.listProviderIdentities({ entity_id: p.email, provider: "emailpass" }, { select: ["auth_identity_id"] })
  let authIdentityId = identity?.auth_identity_id as string | undefined
  if (!authIdentityId) {
    const { authIdentity, error } = await auth.register("emailpass", { body: { email: p.email, password: p.password } } as any)
    if (error || !authIdentity) throw new Error(`demo shopper ${p.email}: ${error}`)
    authIdentityId = authIdentity.id
  }
  const { result } = await createCustomerAccountWorkflow(container).run({
    input: {
      authIdentityId,
      customerData: {
        email: p.email,
        first_name: p.first_name,
        last_name: p.last_name,
        phone: p.phone,
        metadata: { demo_archetype: p.archetype },
        addresses: [
          { first_name: p.first_name, last_name: p.last_name, address_1: "Demo Street 1", city: p.city, country_code: p.country, postal_code: "10115", is_default_shipping: true, is_default_billing: true },
        ],
      },
    },
  })
  return { customerId: result.id, created: true }
}
