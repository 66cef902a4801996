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

// per product: variants, base price, and (optional) category — products of a category form "families"
export type CatalogShape = { variantCounts: number[]; prices: number[]; categories?: string[] }

// Co-purchase structure, so recommendations have something real to learn (and the offline quality report a
// signal to find): products of a category come in families of about three (think camera + lens + bag); a
// shopper has a favourite family and mostly shops from it, and a basket often holds two members of a family.
const FAVOURITE_SHARE = 0.7 // share of baskets anchored in the shopper's favourite family
const BUNDLE_SHARE = 0.6 // share of baskets that add a second member of the anchor's family
const FAMILY_SIZE = 3

/** Product indexes grouped into families: per category (catalogue order), consecutive runs of FAMILY_SIZE. */
export function productFamilies(catalog: CatalogShape): number[][] {
  const byCategory = new Map<string, number[]>()
  catalog.prices.forEach((_, i) => {
    const category = catalog.categories?.[i] ?? String(i % 5)
    byCategory.set(category, [...(byCategory.get(category) ?? []), i])
  })
  const families: number[][] = []
  for (const members of byCategory.values()) {
    for (let k = 0; k < members.length; k += FAMILY_SIZE) {
      const family = members.slice(k, k + FAMILY_SIZE)
      // a lone leftover joins the previous family of its category
      if (family.length === 1 && k > 0) families[families.length - 1].push(family[0])
      else families.push(family)
    }
  }
  return families
}

export function planCustomers(rng: Rng, count: number, catalog: CatalogShape, historyDays = 180): DemoCustomer[] {
  const archetypes: Archetype[] = []
  for (const [a, share] of MIX) for (let i = 0; i < Math.max(1, Math.round(count * share)); i++) archetypes.push(a)
  while (archetypes.length < count) archetypes.push("regular")
  archetypes.length = count

  // expensive products first, so VIP baskets lean pricey
  const byPrice = catalog.prices.map((p, i) => [p, i]).sort((a, b) => b[0] - a[0]).map(([, i]) => i)
  const families = productFamilies(catalog)
  const familyOf = new Map(families.flatMap((f) => f.map((i) => [i, f] as const)))
  const randomProduct = (pricey: boolean) =>
    pricey ? byPrice[rng.int(0, Math.max(0, Math.floor(byPrice.length / 3) - 1))] : rng.int(0, byPrice.length - 1)
  const line = (productIndex: number) => ({
    productIndex,
    variantIndex: rng.int(0, catalog.variantCounts[productIndex] - 1),
    quantity: rng.chance(0.2) ? 2 : 1,
  })
  // A basket: an anchor (mostly from the favourite family), often a second member of the anchor's family,
  // then random lines up to the basket size. A product appears once per basket.
  const order = (daysAgo: number, pricey: boolean, maxLines: number, favourite: number[]): PlannedOrder => {
    const size = rng.int(1, maxLines)
    const picked: number[] = []
    const add = (i: number) => {
      if (!picked.includes(i)) picked.push(i)
    }
    const anchor = favourite.length && rng.chance(FAVOURITE_SHARE) ? rng.pick(favourite) : randomProduct(pricey)
    add(anchor)
    const mates = (familyOf.get(anchor) ?? []).filter((i) => i !== anchor)
    if (mates.length && rng.chance(BUNDLE_SHARE)) add(rng.pick(mates))
    for (let tries = 0; picked.length < size && tries < 4 * maxLines; tries++) add(randomProduct(pricey))
    return { daysAgo, lines: picked.map(line) }
  }
  const days = (min: number, max: number) => min + rng.next() * (max - min)

  return archetypes.map((archetype, i) => {
    const first_name = rng.pick(FIRST)
    const last_name = rng.pick(LAST)
    const country = rng.pick(Object.keys(COUNTRIES))
    const fav = families.length ? rng.pick(families) : []
    let orders: PlannedOrder[] = []
    switch (archetype) {
      case "vip": // frequent, big baskets, recent
        orders = Array.from({ length: rng.int(6, 12) }, () => order(days(0.5, historyDays), true, 4, fav))
        orders.push(order(days(0.2, 20), true, 4, fav))
        break
      case "regular":
        orders = Array.from({ length: rng.int(2, 5) }, () => order(days(1, historyDays), false, 3, fav))
        orders.push(order(days(1, 80), false, 3, fav))
        break
      case "lapsed": // bought a while ago, nothing in the last 90 days
        orders = Array.from({ length: rng.int(1, 4) }, () => order(days(95, historyDays), false, 3, fav))
        break
      case "one_time":
        orders = [order(days(1, historyDays), false, 2, fav)]
        break
      case "guest": // checked out without an account
        orders = Array.from({ length: rng.int(1, 2) }, () => order(days(1, historyDays), false, 2, fav))
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
