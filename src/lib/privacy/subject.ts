// Who a store request is about. A logged-in customer (customer token) always wins; otherwise the
// storefront's anonymous visitor id (`x-visitor-id`). Nothing else — never an id taken from the body or query.
import type { MedusaRequest } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { invalid } from "../errors"

export const VISITOR_HEADER = "x-visitor-id"
export const VISITOR_ID_RE = /^[A-Za-z0-9_-]{8,64}$/
/** Cart metadata key a storefront sets (when creating a cart) to the visitor id it tracks the shopper with. */
export const CART_VISITOR_KEY = "personalization_visitor_id"

export type StoreSubject =
  | { kind: "customer"; customer_id: string; visitor_id: string | null }
  | { kind: "visitor"; visitor_id: string }
  | { kind: "none" }

/** The visitor id header, validated; null when absent. 400 naming `x-visitor-id` when malformed. */
export function visitorIdOf(req: MedusaRequest): string | null {
  const raw = req.headers[VISITOR_HEADER]
  if (raw === undefined) return null
  const value = Array.isArray(raw) ? raw[0] : raw
  if (typeof value !== "string" || !VISITOR_ID_RE.test(value)) {
    throw invalid(VISITOR_HEADER, "must be 8 to 64 characters of A-Z, a-z, 0-9, '_' or '-'")
  }
  return value
}

/** The customer behind a customer token, or null (Medusa sets auth_context on every /store request that sends one). */
export function customerIdOf(req: MedusaRequest): string | null {
  const auth = (req as unknown as { auth_context?: { actor_type?: string; actor_id?: string } }).auth_context
  return auth?.actor_type === "customer" && auth.actor_id ? auth.actor_id : null
}

export function subjectOf(req: MedusaRequest): StoreSubject {
  const visitor = visitorIdOf(req)
  const customer = customerIdOf(req)
  if (customer) return { kind: "customer", customer_id: customer, visitor_id: visitor }
  if (visitor) return { kind: "visitor", visitor_id: visitor }
  return { kind: "none" }
}

/** Writes need a subject: a customer token or a visitor id. */
export function requireSubject(req: MedusaRequest): Exclude<StoreSubject, { kind: "none" }> {
  const s = subjectOf(req)
  if (s.kind === "none") throw invalid(VISITOR_HEADER, "required (send a visitor id or a customer token)")
  return s
}

/** GDPR routes: the logged-in customer only. */
export function requireCustomer(req: MedusaRequest): string {
  const customer = customerIdOf(req)
  if (!customer) throw new MedusaError(MedusaError.Types.UNAUTHORIZED, "a customer token is required")
  return customer
}
