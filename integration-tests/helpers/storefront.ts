// A storefront client over HTTP: what a theme does with the publishable key, nothing more.
type Api = {
  get: (url: string, config?: any) => Promise<{ data: any; status: number }>
  post: (url: string, body?: any, config?: any) => Promise<{ data: any; status: number }>
}

export type Shopper = { email: string; customerId: string; headers: Record<string, string> }

export async function registerShopper(api: Api, publishableKey: string, email: string, password = "s3cret-pass"): Promise<Shopper> {
  const pk = { "x-publishable-api-key": publishableKey }
  const reg = await api.post("/auth/customer/emailpass/register", { email, password })
  const { data } = await api.post(
    "/store/customers",
    { email, first_name: "Test", last_name: "Shopper" },
    { headers: { ...pk, authorization: `Bearer ${reg.data.token}` } }
  )
  const login = await api.post("/auth/customer/emailpass", { email, password })
  return { email, customerId: data.customer.id, headers: { ...pk, authorization: `Bearer ${login.data.token}` } }
}

/** A cart in the first region with `quantity` of the first product's first variant, addressed and ready to ship. */
export async function openCart(api: Api, shopper: Shopper, quantity = 1): Promise<string> {
  const headers = shopper.headers
  const { data: regions } = await api.get("/store/regions", { headers })
  const region = regions.regions[0]
  const { data: products } = await api.get(`/store/products?limit=1&region_id=${region.id}`, { headers })
  const variant = products.products[0].variants[0]
  const { data } = await api.post("/store/carts", { region_id: region.id }, { headers })
  const cartId = data.cart.id
  await api.post(`/store/carts/${cartId}/line-items`, { variant_id: variant.id, quantity }, { headers })
  const address = {
    first_name: "Test",
    last_name: "Shopper",
    address_1: "Keizersgracht 1",
    city: "Amsterdam",
    country_code: region.countries?.[0]?.iso_2 ?? "nl",
    postal_code: "1015",
  }
  await api.post(`/store/carts/${cartId}`, { email: shopper.email, shipping_address: address, billing_address: address }, { headers })
  return cartId
}

export async function getCart(api: Api, shopper: Shopper, cartId: string) {
  const { data } = await api.get(`/store/carts/${cartId}?fields=+promotions.code,+items.adjustments.code`, { headers: shopper.headers })
  return data.cart
}

/** Shipping method and a system-provider payment session: the cart is ready to complete. */
export async function prepareCheckout(api: Api, shopper: Shopper, cartId: string) {
  const headers = shopper.headers
  const { data: shipping } = await api.get(`/store/shipping-options?cart_id=${cartId}`, { headers })
  await api.post(`/store/carts/${cartId}/shipping-methods`, { option_id: shipping.shipping_options[0].id }, { headers })
  await startPayment(api, shopper, cartId)
}

/** A payment session with the system provider (again after a cart's total changed, as a storefront does). */
export async function startPayment(api: Api, shopper: Shopper, cartId: string) {
  const headers = shopper.headers
  const { data } = await api.post("/store/payment-collections", { cart_id: cartId }, { headers })
  await api.post(
    `/store/payment-collections/${data.payment_collection.id}/payment-sessions`,
    { provider_id: "pp_system_default" },
    { headers }
  )
}

/** Shipping, a system-provider payment session, completion: returns the order. */
export async function completeCart(api: Api, shopper: Shopper, cartId: string) {
  await prepareCheckout(api, shopper, cartId)
  const { data: done } = await api.post(`/store/carts/${cartId}/complete`, {}, { headers: shopper.headers })
  if (done.type !== "order") throw new Error(`cart ${cartId} did not complete: ${JSON.stringify(done.error ?? done)}`)
  return done.order
}

export async function placeOrder(api: Api, shopper: Shopper, quantity = 1) {
  return completeCart(api, shopper, await openCart(api, shopper, quantity))
}

/** Polls until `check` returns a truthy value (subscribers run after the request that emitted their event). */
export async function waitFor<T>(check: () => Promise<T | null | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await check()
    if (value) return value
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
