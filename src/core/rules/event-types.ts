/**
 * The event types a behavioural window may name, as data. validateRule checks `event('<type>')` against this list
 * (with a did-you-mean) so that a typo is refused instead of silently never matching.
 *
 * To add a type the plugin records (an order or cart fact, say), append one entry to BUILT_IN_EVENT_TYPES: the
 * validator, the admin catalogue route (KNOWN_EVENT_TYPES) and the store route (STOREFRONT_EVENT_TYPES, only for
 * origin "storefront") all read this list. Custom storefront types are `x_*` (any name the store route accepts);
 * the types a merchant declares or the store has seen are passed to validateRule as `eventTypes`.
 */

export interface EventTypeDef {
  name: string
  /**
   * Who records it: "storefront" types come from POST /store/personalization/events; "server" types are recorded
   * by the plugin itself from Medusa's own data and are refused from clients.
   */
  origin: "storefront" | "server"
  description: string
}

/** Custom storefront event types: `x_` and a NAME_RE tail (the store route's CUSTOM_EVENT_RE). */
export const CUSTOM_EVENT_RE = /^x_[a-z0-9_]{1,62}$/

export const BUILT_IN_EVENT_TYPES: readonly EventTypeDef[] = [
  { name: "product_viewed", origin: "storefront", description: "A product page was viewed" },
  { name: "category_viewed", origin: "storefront", description: "A category page was viewed" },
  { name: "search", origin: "storefront", description: "A storefront search" },
  { name: "cart_item_added", origin: "storefront", description: "An item was added to the cart (storefront-tracked)" },
  { name: "checkout_started", origin: "storefront", description: "Checkout was started" },
  { name: "page_viewed", origin: "storefront", description: "Any other page was viewed" },
  // Recorded by the plugin from Medusa's orders and carts (src/core/behaviour/types.ts; a test keeps the two in step).
  { name: "order_placed", origin: "server", description: "An order that stands, at its placement time (amount: the order total)" },
  { name: "order_canceled", origin: "server", description: "An order that was canceled, at its cancellation time" },
  { name: "cart_line_added", origin: "server", description: "Units of a variant appeared in the customer's Medusa cart" },
  { name: "cart_line_removed", origin: "server", description: "Units of a variant left the customer's Medusa cart" },
  { name: "cart_completed", origin: "server", description: "The customer's cart was completed (checkout)" },
]

/** Every built-in event type (storefront and server). */
export const KNOWN_EVENT_TYPES: readonly string[] = BUILT_IN_EVENT_TYPES.map((t) => t.name)

/** The built-in types a storefront may send; server types (orders) come only from Medusa's own data. */
export const STOREFRONT_EVENT_TYPES: readonly string[] = BUILT_IN_EVENT_TYPES.filter((t) => t.origin === "storefront").map(
  (t) => t.name
)
