// Customers and their backdated order histories.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createCustomersWorkflow, createOrderWorkflow } from "@medusajs/medusa/core-flows"
import type { DemoCustomer } from "./people"
import type { SeededProduct } from "./products"
import type { StoreSetup } from "./store-setup"

const DAY = 86_400_000

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i], i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

export async function createCustomersAndOrders(
  container: MedusaContainer,
  setup: StoreSetup,
  products: SeededProduct[],
  people: DemoCustomer[],
  opts: { now: Date; concurrency: number }
) {
  const { result: customers } = await createCustomersWorkflow(container).run({
    input: {
      customersData: people.map((p) => ({
        email: p.email,
        first_name: p.first_name,
        last_name: p.last_name,
        phone: p.phone,
        has_account: p.has_account,
        metadata: { demo_archetype: p.archetype },
        // guests have no address book; their addresses live on their orders
        addresses: p.has_account
          ? [{ first_name: p.first_name, last_name: p.last_name, address_1: "Demo Street 1", city: p.city, country_code: p.country, postal_code: "10115", is_default_shipping: true, is_default_billing: true }]
          : [],
      })),
    },
  })
  const idByEmail = new Map(customers.map((c) => [c.email, c.id]))

  const jobs = people.flatMap((p) => p.orders.map((o) => ({ person: p, order: o })))
  const created = await pool(jobs, opts.concurrency, async ({ person, order }) => {
    const address = {
      first_name: person.first_name,
      last_name: person.last_name,
      address_1: "Demo Street 1",
      city: person.city,
      country_code: person.country,
      postal_code: "10115",
      phone: person.phone,
    }
    const placedAt = new Date(opts.now.getTime() - order.daysAgo * DAY)
    const { result } = await createOrderWorkflow(container).run({
      input: {
        region_id: setup.regionId,
        sales_channel_id: setup.salesChannelId,
        customer_id: idByEmail.get(person.email),
        email: person.email,
        currency_code: "eur",
        // fulfilled long ago vs. still open
        status: order.daysAgo > 14 ? "completed" : "pending",
        shipping_address: address,
        billing_address: address,
        items: order.lines.map((l) => {
          const v = products[l.productIndex].variants[l.variantIndex]
          // unit price + tax flag given, so the workflow skips the price calculation
          return { variant_id: v.id, title: v.productTitle, quantity: l.quantity, unit_price: v.price, is_tax_inclusive: true }
        }),
        shipping_methods: [
          { name: "Standard Shipping", amount: setup.shippingPrice, shipping_option_id: setup.shippingOptionId, is_tax_inclusive: true },
        ],
        metadata: { demo_seed: true },
      },
    })
    return { id: result.id, placedAt }
  })

  // Backdate. Medusa has no API to set created_at (it is always "now"), and the demo needs histories spread
  // over 180 days for the date-based segments to mean anything, so a direct SQL update is the honest way here.
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  if (created.length) {
    await pg.raw(
      `UPDATE "order" AS o SET created_at = v.ts, updated_at = v.ts
         FROM unnest(?::text[], ?::timestamptz[]) AS v(id, ts) WHERE o.id = v.id`,
      [created.map((c) => c.id), created.map((c) => c.placedAt.toISOString())]
    )
  }
  // Customers sign up shortly before their first order (or any time in the window if they never ordered).
  const signup = people.map((p, i) => {
    const first = p.orders[0]?.daysAgo ?? 30 + ((i * 37) % 150)
    return new Date(opts.now.getTime() - (first + 1 + (i % 7)) * DAY).toISOString()
  })
  await pg.raw(
    `UPDATE customer AS c SET created_at = v.ts, updated_at = v.ts
       FROM unnest(?::text[], ?::timestamptz[]) AS v(id, ts) WHERE c.id = v.id`,
    [people.map((p) => idByEmail.get(p.email)!), signup]
  )
  return { customers: customers.length, orders: created.length }
}
