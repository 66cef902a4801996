// Region (the store's default), taxes, sales channel, warehouse, shipping, publishable key, admin user: everything a
// storefront needs to check out for real. Each piece uses Medusa's own core-flows workflows.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import {
  createApiKeysWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  createUsersWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
import { COUNTRIES } from "./people"

export const DEMO_KEY_TITLE = "Demo storefront"

export type StoreSetup = {
  regionId: string
  salesChannelId: string
  stockLocationId: string
  shippingProfileId: string
  shippingOptionId: string
  shippingPrice: number
}

export async function setupStore(container: MedusaContainer): Promise<StoreSetup> {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const salesChannels = container.resolve(Modules.SALES_CHANNEL)
  const storeService = container.resolve(Modules.STORE)
  const countries = Object.keys(COUNTRIES)

  // Medusa creates a default store and "Default Sales Channel" on first boot; reuse them.
  let [channel] = await salesChannels.listSalesChannels({ name: "Default Sales Channel" })
  if (!channel) {
    const { result } = await createSalesChannelsWorkflow(container).run({
      input: { salesChannelsData: [{ name: "Default Sales Channel" }] },
    })
    channel = result[0]
  }
  const [store] = await storeService.listStores()
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        name: "Personalization Demo Store",
        supported_currencies: [{ currency_code: "eur", is_default: true }],
        default_sales_channel_id: channel.id,
      },
    },
  })

  const { result: regions } = await createRegionsWorkflow(container).run({
    input: { regions: [{ name: DEMO_REGION_NAME, currency_code: "eur", countries, payment_providers: ["pp_system_default"] }] },
  })
  const region = regions[0]
  await ensureDefaultRegion(container, region.id)
  await createTaxRegionsWorkflow(container).run({
    input: countries.map((country_code) => ({ country_code, provider_id: "tp_system" })),
  })

  const { result: locations } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "EU Warehouse", address: { city: "Rotterdam", country_code: "NL", address_1: "Haven 1" } }] },
  })
  const location = locations[0]
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })

  let [profile] = await fulfillment.listShippingProfiles({ type: "default" })
  if (!profile) {
    const { result } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Default Shipping Profile", type: "default" }] },
    })
    profile = result[0]
  }
  const fulfillmentSet = await fulfillment.createFulfillmentSets({
    name: "EU Warehouse delivery",
    type: "shipping",
    service_zones: [{ name: "Europe", geo_zones: countries.map((country_code) => ({ country_code, type: "country" as const })) }],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })

  const shippingPrice = 8
  const storeRules = [
    { attribute: "enabled_in_store", value: "true", operator: "eq" as const },
    { attribute: "is_return", value: "false", operator: "eq" as const },
  ]
  const { result: options } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Standard Shipping",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: profile.id,
        type: { label: "Standard", description: "Delivered in 2-4 days.", code: "standard" },
        prices: [{ currency_code: "eur", amount: shippingPrice }, { region_id: region.id, amount: shippingPrice }],
        rules: storeRules,
      },
      {
        name: "Express Shipping",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: profile.id,
        type: { label: "Express", description: "Next business day.", code: "express" },
        prices: [{ currency_code: "eur", amount: 15 }, { region_id: region.id, amount: 15 }],
        rules: storeRules,
      },
    ],
  })
  await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [channel.id] } })

  return {
    regionId: region.id,
    salesChannelId: channel.id,
    stockLocationId: location.id,
    shippingProfileId: profile.id,
    shippingOptionId: options.find((o) => o.name === "Standard Shipping")!.id,
    shippingPrice,
  }
}

export const DEMO_REGION_NAME = "Europe"

/**
 * Makes a region the store's default (what storefront routes use when a call names no `region_id`), unless the
 * store already has one. Without `regionId`, the demo region (by name) — so a store seeded before the demo set a
 * default gets it on the next seed run. Returns the default region's id, or null when there is none to set.
 */
export async function ensureDefaultRegion(container: MedusaContainer, regionId?: string): Promise<string | null> {
  const [store] = await container.resolve(Modules.STORE).listStores({}, { select: ["id", "default_region_id"] })
  if (!store) return null
  if (store.default_region_id) return store.default_region_id
  const id = regionId ?? (await container.resolve(Modules.REGION).listRegions({ name: DEMO_REGION_NAME }, { select: ["id"] }))[0]?.id
  if (!id) return null
  await updateStoresWorkflow(container).run({ input: { selector: { id: store.id }, update: { default_region_id: id } } })
  return id
}

/**
 * The storefront's publishable key, in the default sales channel. Made last: its presence marks a complete seed.
 */
export async function createPublishableKey(container: MedusaContainer, salesChannelId: string) {
  const { result: keys } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: DEMO_KEY_TITLE, type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: keys[0].id, add: [salesChannelId] } })
  return keys[0].token
}

/** An admin who can log in to /app, made the way `medusa user` makes one. No-op if the email exists. */
export async function ensureAdminUser(container: MedusaContainer, email: string, password: string) {
  const users = container.resolve(Modules.USER)
  if ((await users.listUsers({ email })).length) return false
  const { result } = await createUsersWorkflow(container).run({ input: { users: [{ email, first_name: "Demo", last_name: "Admin" }] } })
  const auth = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await auth.register("emailpass", { body: { email, password } } as any)
  if (error || !authIdentity) throw new Error(`admin auth identity: ${error}`)
  await auth.updateAuthIdentities({ id: authIdentity.id, app_metadata: { user_id: result[0].id } })
  return true
}
