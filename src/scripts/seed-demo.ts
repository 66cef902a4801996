// `npx medusa exec ./src/scripts/seed-demo.ts [customers=200] [products=32]` seeds the demo store once.
// Args are `key=value`; a store that is already seeded is left as it is.
import type { ExecArgs } from "@medusajs/framework/types"
import { seedDemoStore } from "./demo/seed"

export default async function seedDemo({ container, args }: ExecArgs) {
  const opt = Object.fromEntries((args ?? []).map((a) => a.replace(/^--/, "").split("=")))
  const num = (k: string) => (opt[k] !== undefined ? Number(opt[k]) : undefined)
  const result = await seedDemoStore(container, {
    customers: num("customers"),
    products: num("products"),
    seed: num("seed"),
  })
  container.resolve("logger").info(`[demo-seed] ${JSON.stringify({ ...result, publishableKey: undefined })}`)
}
