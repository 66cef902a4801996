// What the showcase needs to know about a store the demo seed made — read back from the database, so a store seeded by
// an earlier version of the seed (or in an earlier run) can be topped up: the region, sales channel and shipping option
// orders are placed with, and the demo catalogue (products by handle, their variants and EUR prices, their category).
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { SeededProduct } from "./products"
import { DEMO_REGION_NAME, type StoreSetup } from "./store-setup"

/** The demo's region, channel and standard shipping; null when the store was not made by the demo seed. */
export async function loadStoreSetup(container: MedusaContainer): Promise<StoreSetup | null> {
  const [region] = await container.resolve(Modules.REGION).listRegions({ name: DEMO_REGION_NAME }, { select: ["id"] })
  const [channel] = await container.resolve(Modules.SALES_CHANNEL).listSalesChannels({ name: "Default Sales Channel" }, { select: ["id"] })
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const [option] = await fulfillment.listShippingOptions({ name: "Standard Shipping" }, { select: ["id", "shipping_profile_id", "service_zone_id"] })
  if (!region || !channel || !option) return null
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: priced } = await query.graph({ entity: "shipping_option", fields: ["id", "prices.amount", "prices.currency_code"], filters: { id: option.id } })
  const prices = ((priced[0] as { prices?: ({ amount?: unknown; currency_code?: string } | null)[] } | undefined)?.prices ?? [])
  const eur = prices.find((p) => p?.currency_code === "eur")
  const [location] = await container.resolve(Modules.STOCK_LOCATION).listStockLocations({ name: "EU Warehouse" }, { select: ["id"] })
  return {
    regionId: region.id,
    salesChannelId: channel.id,
    stockLocationId: location?.id ?? "",
    shippingProfileId: option.shipping_profile_id as string,
    shippingOptionId: option.id,
    shippingPrice: Number(eur?.amount ?? 8),
  }
}

/** The demo catalogue (handles `demo-…`), sorted by handle; each variant with its EUR price. */
export async function loadDemoProducts(container: MedusaContainer): Promise<SeededProduct[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "product",
    fields: ["id", "title", "handle", "categories.handle", "variants.id", "variants.title", "variants.sku", "variants.prices.amount", "variants.prices.currency_code"],
    filters: { handle: { $like: "demo-%" } },
  })
  return (data as any[])
    .map((p) => {
      const product = { id: p.id as string, title: p.title as string, handle: p.handle as string }
      const variants = [...(p.variants ?? [])]
        .sort((a: any, b: any) => String(a.sku).localeCompare(String(b.sku)))
        .map((v: any) => ({
          id: v.id as string,
          title: v.title as string,
          sku: v.sku as string,
          price: Number((v.prices ?? []).find((x: any) => x?.currency_code === "eur")?.amount ?? 0),
          product,
        }))
        .filter((v) => v.price > 0)
      return { ...product, category: (p.categories?.[0]?.handle as string) ?? "", variants }
    })
    .filter((p) => p.variants.length)
    .sort((a, b) => a.handle.localeCompare(b.handle))
}
