// Categories, products (published, in the sales channel, EUR prices) and stock for every variant.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ProductStatus } from "@medusajs/framework/utils"
import {
  createInventoryLevelsWorkflow,
  createProductCategoriesWorkflow,
  createProductsWorkflow,
} from "@medusajs/medusa/core-flows"
import { CATEGORIES, type DemoProduct } from "./catalog"
import type { StoreSetup } from "./store-setup"

export type SeededVariant = {
  id: string
  title: string
  sku: string
  price: number
  product: { id: string; title: string; handle: string }
}
export type SeededProduct = { id: string; title: string; handle: string; category: string; variants: SeededVariant[] }

export async function createCatalog(container: MedusaContainer, setup: StoreSetup, catalog: DemoProduct[]) {
  const { result: categories } = await createProductCategoriesWorkflow(container).run({
    input: {
      product_categories: CATEGORIES.map((name) => ({ name, handle: name.toLowerCase(), is_active: true })),
    },
  })
  const categoryId = Object.fromEntries(categories.map((c) => [c.name, c.id]))

  const { result: products } = await createProductsWorkflow(container).run({
    input: {
      products: catalog.map((p) => ({
        title: p.title,
        handle: p.handle,
        description: p.description,
        status: ProductStatus.PUBLISHED,
        category_ids: [categoryId[p.category]],
        shipping_profile_id: setup.shippingProfileId,
        sales_channels: [{ id: setup.salesChannelId }],
        options: [p.option],
        variants: p.variants.map((v) => ({
          title: v.title,
          sku: v.sku,
          options: v.options,
          manage_inventory: true,
          prices: [{ currency_code: "eur", amount: v.price }],
        })),
      })),
    },
  })

  // Every variant (manage_inventory) got an inventory item; stock it in the warehouse.
  const query = container.resolve("query")
  const { data: variants } = await query.graph({
    entity: "variant",
    fields: ["id", "sku", "inventory_items.inventory_item_id"],
    filters: { product_id: products.map((p) => p.id) },
  })
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: variants.flatMap((v: any) =>
        (v.inventory_items ?? []).map((ii: any) => ({
          location_id: setup.stockLocationId,
          inventory_item_id: ii.inventory_item_id,
          stocked_quantity: 100000,
        }))
      ),
    },
  })

  // Keep catalogue order (products come back in input order, matched by handle to be safe).
  const bySku = new Map(variants.map((v: any) => [v.sku, v.id]))
  const byHandle = new Map(products.map((p) => [p.handle, p.id]))
  return catalog.map<SeededProduct>((p) => {
    const product = { id: byHandle.get(p.handle)!, title: p.title, handle: p.handle }
    return {
      ...product,
      category: p.category,
      variants: p.variants.map((v) => ({ id: bySku.get(v.sku)!, title: v.title, sku: v.sku, price: v.price, product })),
    }
  })
}
