// Customers and their order histories, dated over the last 180 days.
import type { CreateOrderDTO, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { DemoCustomer, PlannedOrder } from "./people"
import type { SeededProduct } from "./products"
import type { StoreSetup } from "./store-setup"

const DAY = 86_400_000
const CHUNK = 100

export async function createCustomersAndOrders(
  container: MedusaContainer,
  setup: StoreSetup,
  products: SeededProduct[],
  people: DemoCustomer[],
  opts: { now: Date }
) {
  const at = (daysAgo: number) => new Date(opts.now.getTime() - daysAgo * DAY)
  // Customers sign up shortly before their first order (or any time in the window if they never ordered).
  const signupDaysAgo = (p: DemoCustomer, i: number) => (p.orders[0]?.daysAgo ?? 30 + ((i * 37) % 150)) + 1 + (i % 7)

  // Straight to the Customer module, not createCustomersWorkflow: the workflow emits `customer.created`, and
  // the plugin's subscriber would start one profile refresh per customer in the background, competing with the
  // order writes below. The module emits only `customer.customer.created`; seedDemoStore builds all profiles in
  // one backfill afterwards.
  const customers = await container.resolve(Modules.CUSTOMER).createCustomers(
    people.map((p, i) => ({
      email: p.email,
      first_name: p.first_name,
      last_name: p.last_name,
      phone: p.phone,
      has_account: p.has_account,
      metadata: { demo_archetype: p.archetype },
      // Medusa stamps created_at itself unless given; the data layer accepts an explicit one (not in the DTO type).
      ...({ created_at: at(signupDaysAgo(p, i)) } as {}),
      // guests have no address book; their addresses live on their orders
      addresses: p.has_account
        ? [{ first_name: p.first_name, last_name: p.last_name, address_1: "Demo Street 1", city: p.city, country_code: p.country, postal_code: "10115", is_default_shipping: true, is_default_billing: true }]
        : [],
    }))
  )
  const idByEmail = new Map(customers.map((c) => [c.email, c.id]))

  // Orders go straight to the Order module in bulk, with their historical created_at. createOrderWorkflow would
  // re-check inventory, prices and tax per order (~3 orders/s here, > 3 min for the default store) and always
  // stamps "now"; for already-placed history neither is wanted. The line items carry the same product/variant
  // snapshot fields the workflow would fill, so order pages, analytics and the plugin read them like real ones.
  const orders: CreateOrderDTO[] = people.flatMap((p) =>
    p.orders.map((o) => toOrder(p, o, idByEmail.get(p.email)!, at(o.daysAgo), setup, products))
  )
  const order = container.resolve(Modules.ORDER)
  let created = 0
  for (let i = 0; i < orders.length; i += CHUNK) created += (await order.createOrders(orders.slice(i, i + CHUNK))).length
  return { customers: customers.length, orders: created }
}

/** One planned order as the Order module's create input (historical dates, snapshot fields as a checkout fills them). */
export function toOrder(p: DemoCustomer, o: PlannedOrder, customerId: string, placedAt: Date, setup: StoreSetup, products: SeededProduct[]): CreateOrderDTO {
  const address = {
    first_name: p.first_name,
    last_name: p.last_name,
    address_1: "Demo Street 1",
    city: p.city,
    country_code: p.country,
    postal_code: "10115",
    phone: p.phone,
  }
  const stamp = { created_at: placedAt, updated_at: placedAt } as {}
  return {
    ...stamp,
    region_id: setup.regionId,
    sales_channel_id: setup.salesChannelId,
    customer_id: customerId,
    email: p.email,
    currency_code: "eur",
    status: o.daysAgo > 14 ? "completed" : "pending", // fulfilled long ago vs. still open
    shipping_address: address,
    billing_address: address,
    items: o.lines.map((l) => {
      const v = products[l.productIndex].variants[l.variantIndex]
      return {
        ...stamp,
        title: v.product.title,
        subtitle: v.title,
        quantity: l.quantity,
        unit_price: v.price,
        is_tax_inclusive: true,
        product_id: v.product.id,
        product_title: v.product.title,
        product_handle: v.product.handle,
        variant_id: v.id,
        variant_sku: v.sku,
        variant_title: v.title,
        requires_shipping: true,
        is_discountable: true,
      }
    }),
    shipping_methods: [
      { ...stamp, name: "Standard Shipping", amount: setup.shippingPrice, shipping_option_id: setup.shippingOptionId, is_tax_inclusive: true },
    ],
    metadata: { demo_seed: true },
  }
}
