// `npx medusa exec ./src/scripts/seed-demo.ts [customers=200] [products=32] [seed=42] [showcase=0]` seeds the demo
// store: the store data once, then the showcase (shopper accounts, visitors, gated offers, placements, an experiment).
// Args are `key=value`; on a store that is already seeded only what is missing is added (nothing twice).
// `showcase=0` seeds what the seed made before the showcase existed (to try the top-up of an older demo store).
import type { ExecArgs } from "@medusajs/framework/types"
import { seedDemoStore } from "./demo/seed"

export default async function seedDemo({ container, args }: ExecArgs) {
  const opt = Object.fromEntries((args ?? []).map((a) => a.replace(/^--/, "").split("=")))
  const num = (k: string) => (opt[k] !== undefined ? Number(opt[k]) : undefined)
  const result = await seedDemoStore(container, {
    customers: num("customers"),
    products: num("products"),
    seed: num("seed"),
    showcase: opt.showcase !== "0",
  })
  container.resolve("logger").info(`[demo-seed] ${JSON.stringify({ ...result, publishableKey: undefined })}`)
}
