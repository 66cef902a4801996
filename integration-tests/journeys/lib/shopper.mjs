// A storefront shopper over public HTTP only: what a theme does with the publishable key and a customer token.
// The js-sdk drives the happy paths (it throws on an error status); checks of refused paths use ctx.store, which
// returns { status, body }.
import { ok } from "./context.mjs"

const PASSWORD = "journey-pass-1"

/**
 * Registers a customer account (auth identity → customer → login; the email at `domain`) and returns the shopper:
 * { email, password, customerId, token, sdk, visitorId, headers }.
 */
export async function registerShopper(ctx, { label = "shopper", domain = "journeys.test", first_name = "Journey", last_name = "Shopper", visitorId } = {}) {
  const email = `${ctx.unique(label)}@${domain}`.toLowerCase()
  const sdk = ctx.sdk(visitorId ? { "x-visitor-id": visitorId } : {})
  await sdk.auth.register("customer", "emailpass", { email, password: PASSWORD })
  const { customer } = await sdk.store.customer.create({ email, first_name, last_name })
  const token = await sdk.auth.login("customer", "emailpass", { email, password: PASSWORD })
  if (typeof token !== "string") throw new Error(`login of ${email} did not return a token: ${JSON.stringify(token)}`)
  const shopper = { email, password: PASSWORD, customerId: customer.id, token, sdk, visitorId: visitorId ?? null }
  shopper.headers = { authorization: `Bearer ${token}`, ...(visitorId ? { "x-visitor-id": visitorId } : {}) }
  return shopper
}

/** Store call as this shopper (token + visitor id); never throws on a status. */
export const asShopper = (ctx, shopper, method, url, body) =>
  ctx.store(method, url, { body, token: shopper.token, headers: shopper.visitorId ? { "x-visitor-id": shopper.visitorId } : {} })

/** Records consent decisions ({ personalization: "granted" } by default); asserts the answer reflects them. */
export async function recordConsent(ctx, shopper, purposes = { personalization: "granted" }) {
  const body = ok(await asShopper(ctx, shopper, "POST", "/store/personalization/consent", { purposes }), "POST consent")
  for (const [purpose, status] of Object.entries(purposes)) {
    const seen = Array.isArray(body.consent) ? body.consent.find((c) => c.purpose === purpose)?.status : body.consent?.[purpose]?.status ?? body.consent?.[purpose]
    ctx.expectEqual(seen, status, `consent answer for ${purpose}`)
  }
  return body
}

/** Sends tracked events ([{ type, properties }]; ids made unique); returns the 202 body ({ accepted, … }). */
export async function trackEvents(ctx, shopper, events) {
  const list = events.map((e) => ({ id: e.id ?? ctx.unique("ev"), ...e }))
  return ok(await asShopper(ctx, shopper, "POST", "/store/personalization/events", { events: list }), "POST events", 202)
}

export const CART_FIELDS = "+promotions.code,+items.adjustments.code,+items.adjustments.amount,+discount_total,+item_total,+total,+subtotal"

/** Reads the cart (a plain GET: no cart write), with its promotions and adjustments. */
export async function getCart(ctx, shopper, cartId) {
  return ok(await asShopper(ctx, shopper, "GET", `/store/carts/${cartId}?fields=${encodeURIComponent(CART_FIELDS)}`), `GET cart ${cartId}`).cart
}

/** The codes of the promotions applied to a cart. */
export const promoCodes = (cart) => (cart.promotions ?? []).map((p) => p.code).sort()

/**
 * Opens a cart in the demo region with `quantity` of a demo product's first variant, addressed for the region
 * (a cart write per call, as a storefront makes them). Returns the cart id.
 */
export async function openCart(ctx, shopper, { product = ctx.demo.products[0], quantity = 1 } = {}) {
  const { sdk } = shopper
  const { cart } = await sdk.store.cart.create({ region_id: ctx.demo.regionId, email: shopper.email })
  await sdk.store.cart.createLineItem(cart.id, { variant_id: product.variants[0].id, quantity })
  const address = {
    first_name: "Journey",
    last_name: "Shopper",
    address_1: "Keizersgracht 1",
    city: "Amsterdam",
    country_code: ctx.demo.countryCode,
    postal_code: "1015",
  }
  await sdk.store.cart.update(cart.id, { shipping_address: address, billing_address: address })
  return cart.id
}

/** A shipping method (the cheapest option) and a system-provider payment session (again after totals changed). */
export async function prepareCheckout(ctx, shopper, cartId) {
  const { sdk } = shopper
  const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cartId })
  if (!shipping_options.length) throw new Error(`no shipping option for cart ${cartId}`)
  const cheapest = [...shipping_options].sort((a, b) => Number(a.amount) - Number(b.amount))[0]
  await sdk.store.cart.addShippingMethod(cartId, { option_id: cheapest.id })
  await startPayment(ctx, shopper, cartId)
}

/** A payment session with the system provider for the cart's current total. */
export async function startPayment(ctx, shopper, cartId) {
  const { cart } = await shopper.sdk.store.cart.retrieve(cartId, { fields: "id,total,currency_code,region_id,*payment_collection" })
  await shopper.sdk.store.payment.initiatePaymentSession(cart, { provider_id: "pp_system_default" })
}

/** POST /store/carts/:id/complete as-is: { status, body } (refusals are asserted by the caller). */
export const completeCart = (ctx, shopper, cartId) => asShopper(ctx, shopper, "POST", `/store/carts/${cartId}/complete`, {})

/** Completes the cart and asserts an order came back; returns the order. */
export async function checkout(ctx, shopper, cartId) {
  const res = await completeCart(ctx, shopper, cartId)
  const body = ok(res, `complete cart ${cartId}`)
  if (body.type !== "order") throw new Error(`cart ${cartId} did not complete: ${JSON.stringify(body.error ?? body)}`)
  return body.order
}

/** A whole order: open a cart, ship, pay, complete. Returns the order. */
export async function placeOrder(ctx, shopper, opts) {
  const cartId = await openCart(ctx, shopper, opts)
  await prepareCheckout(ctx, shopper, cartId)
  return checkout(ctx, shopper, cartId)
}
