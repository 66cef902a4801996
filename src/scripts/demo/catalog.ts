// The demo catalogue: deterministic products spread over five categories, EUR prices in major units.
import type { Rng } from "./prng"

export type DemoVariant = { title: string; sku: string; options: Record<string, string>; price: number }
export type DemoProduct = {
  title: string
  handle: string
  description: string
  category: string
  option: { title: string; values: string[] }
  variants: DemoVariant[]
}

export const CATEGORIES = ["Electronics", "Apparel", "Home", "Books", "Sports"] as const

// name stems per category, with a base price range (EUR) and the variant option
const STEMS: Record<(typeof CATEGORIES)[number], { names: string[]; price: [number, number]; option: [string, string[]] }> = {
  Electronics: {
    names: ["Wireless Earbuds", "Smart Watch", "Bluetooth Speaker", "USB-C Hub", "Mechanical Keyboard", "4K Webcam", "E-Reader", "Power Bank"],
    price: [39, 299],
    option: ["Color", ["Black", "White", "Silver"]],
  },
  Apparel: {
    names: ["Merino Sweater", "Rain Jacket", "Linen Shirt", "Denim Jeans", "Wool Beanie", "Running Tee", "Chino Shorts", "Hoodie"],
    price: [19, 149],
    option: ["Size", ["S", "M", "L", "XL"]],
  },
  Home: {
    names: ["Ceramic Mug Set", "Linen Bedding", "Cast Iron Pan", "Scented Candle", "Wool Throw", "Desk Lamp", "Plant Pot", "Coffee Grinder"],
    price: [12, 189],
    option: ["Finish", ["Natural", "Charcoal"]],
  },
  Books: {
    names: ["Nordic Cookbook", "Field Guide to Birds", "Modern Typography", "Atlas of Remote Islands", "Sourdough Basics", "City Walks", "The Data Garden", "Night Sky Almanac"],
    price: [9, 49],
    option: ["Format", ["Paperback", "Hardcover"]],
  },
  Sports: {
    names: ["Yoga Mat", "Trail Running Shoes", "Climbing Chalk Bag", "Cycling Gloves", "Kettlebell", "Tennis Racket", "Water Bottle", "Resistance Bands"],
    price: [9, 219],
    option: ["Variant", ["Standard", "Pro"]],
  },
}

const ADJECTIVES = ["", "Classic ", "Eco ", "Pro ", "Compact "]

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/(^-|-$)/g, "")

/** `count` products, round-robin over the categories (so any count ≥ 5 covers all five). */
export function buildCatalog(rng: Rng, count: number): DemoProduct[] {
  const products: DemoProduct[] = []
  for (let i = 0; i < count; i++) {
    const category = CATEGORIES[i % CATEGORIES.length]
    const stem = STEMS[category]
    const round = Math.floor(i / CATEGORIES.length)
    const base = stem.names[round % stem.names.length]
    const title = `${ADJECTIVES[Math.floor(round / stem.names.length) % ADJECTIVES.length]}${base}`
    const handle = `demo-${slug(title)}`
    const [optTitle, optValues] = stem.option
    const basePrice = rng.int(stem.price[0], stem.price[1])
    const values = optValues.slice(0, rng.int(Math.min(2, optValues.length), optValues.length))
    products.push({
      title,
      handle,
      description: `${title} from the demo store's ${category.toLowerCase()} range.`,
      category,
      option: { title: optTitle, values },
      variants: values.map((v, k) => ({
        title: v,
        sku: `${handle}-${slug(v)}`.toUpperCase(),
        options: { [optTitle]: v },
        // later variants cost a little more (bigger size, hardcover, pro)
        price: basePrice + k * Math.max(1, Math.round(basePrice * 0.1)),
      })),
    })
  }
  return products
}
