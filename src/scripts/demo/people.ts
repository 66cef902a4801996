// Demo shoppers and their order histories (plans only; orders.ts turns them into Medusa orders).
import type { Rng } from "./prng"

export type Archetype = "vip" | "regular" | "lapsed" | "one_time" | "no_orders" | "guest"

export type PlannedOrder = {
  daysAgo: number // fractional days before "now"
  lines: { productIndex: number; variantIndex: number; quantity: number }[]
}

export type DemoCustomer = {
  email: string
  first_name: string
  last_name: string
  phone: string
  has_account: boolean
  archetype: Archetype
  country: string
  city: string
  orders: PlannedOrder[] // oldest first
}

const FIRST = ["Anna", "Lukas", "Marie", "Jonas", "Sofia", "Elias", "Emma", "Noah", "Lea", "Paul", "Clara", "Luca", "Ida", "Matteo", "Nina", "Hugo", "Elsa", "Leon", "Alice", "Oskar", "Julia", "Theo", "Mila", "Finn"]
const LAST = ["Müller", "Rossi", "Dubois", "García", "Jansen", "Nielsen", "Schmidt", "Bianchi", "Martin", "López", "de Vries", "Hansen", "Weber", "Romano", "Bernard", "Fernández", "Bakker", "Larsen"]
export const COUNTRIES: Record<string, string[]> = {
  de: ["Berlin", "Hamburg", "Munich"],
  fr: ["Paris", "Lyon", "Nantes"],
  it: ["Milan", "Rome", "Turin"],
  es: ["Madrid", "Valencia", "Seville"],
  nl: ["Amsterdam", "Utrecht", "Rotterdam"],
  dk: ["Copenhagen", "Aarhus", "Odense"],
}

// Share of each archetype; the rest of the rounding goes to "regular".
const MIX: [Archetype, number][] = [
  ["vip", 0.1],
  ["lapsed", 0.15],
  ["one_time", 0.2],
  ["no_orders", 0.1],
  ["guest", 0.15],
]

export type CatalogShape = { variantCounts: number[]; prices: number[] } // per product: variants, base price

export function planCustomers(rng: Rng, count: number, catalog: CatalogShape, historyDays = 180): DemoCustomer[] {
  const archetypes: Archetype[] = []
  for (const [a, share] of MIX) for (let i = 0; i < Math.max(1, Math.round(count * share)); i++) archetypes.push(a)
  while (archetypes.length < count) archetypes.push("regular")
  archetypes.length = count

  // expensive products first, so VIP baskets lean pricey
  const byPrice = catalog.prices.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i)
  const line = (pricey: boolean) => {
    const productIndex = pricey ? byPrice[rng.int(0, Math.max(0, Math.floor(byPrice.length / 3) - 1))] : rng.int(0, byPrice.length - 1)
    return { productIndex, variantIndex: rng.int(0, catalog.variantCounts[productIndex] - 1), quantity: rng.chance(0.2) ? 2 : 1 }
  }
  const order = (daysAgo: number, pricey: boolean, maxLines: number): PlannedOrder => ({
    daysAgo,
    lines: Array.from({ length: rng.int(1, maxLines) }, () => line(pricey)),
  })
  const days = (min: number, max: number) => min + rng.next() * (max - min)

  return archetypes.map((archetype, i) => {
    const first_name = rng.pick(FIRST)
    const last_name = rng.pick(LAST)
    const country = rng.pick(Object.keys(COUNTRIES))
    let orders: PlannedOrder[] = []
    switch (archetype) {
      case "vip": // frequent, big baskets, recent
        orders = Array.from({ length: rng.int(6, 12) }, () => order(days(0.5, historyDays), true, 4))
        orders.push(order(days(0.2, 20), true, 4))
        break
      case "regular":
        orders = Array.from({ length: rng.int(2, 5) }, () => order(days(1, historyDays), false, 3))
        orders.push(order(days(1, 80), false, 3))
        break
      case "lapsed": // bought a while ago, nothing in the last 90 days
        orders = Array.from({ length: rng.int(1, 4) }, () => order(days(95, historyDays), false, 3))
        break
      case "one_time":
        orders = [order(days(1, historyDays), false, 2)]
        break
      case "guest": // checked out without an account
        orders = Array.from({ length: rng.int(1, 2) }, () => order(days(1, historyDays), false, 2))
        break
      case "no_orders":
        break
    }
    orders.sort((a, b) => b.daysAgo - a.daysAgo)
    const tag = archetype === "guest" ? "guest" : "shopper"
    return {
      email: `${tag}${String(i + 1).padStart(3, "0")}.${first_name}.${last_name}@demo.example`
        .toLowerCase()
        .normalize("NFD")
        .replace(/[^a-z0-9.@]/g, ""),
      first_name,
      last_name,
      phone: `+49 30 ${String(1000000 + i * 7919).slice(0, 7)}`,
      has_account: archetype !== "guest",
      archetype,
      country,
      city: rng.pick(COUNTRIES[country]),
      orders,
    }
  })
}
