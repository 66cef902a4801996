// Shared reads for the membership routes.
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { notFound } from "../../../lib/errors"

export type CustomerSummary = { id: string; email: string | null; first_name: string | null; last_name: string | null }

/** Customers by id (one query.graph call); ids that no longer exist are absent from the map. */
export async function customersById(scope: MedusaContainer, ids: string[]): Promise<Map<string, CustomerSummary>> {
  const wanted = [...new Set(ids.filter(Boolean))]
  if (!wanted.length) return new Map()
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "customer", fields: ["id", "email", "first_name", "last_name"], filters: { id: wanted } })
  return new Map(
    (data as CustomerSummary[]).map((c) => [
      c.id,
      { id: c.id, email: c.email ?? null, first_name: c.first_name ?? null, last_name: c.last_name ?? null },
    ])
  )
}

export async function requireCustomer(scope: MedusaContainer, id: string): Promise<CustomerSummary> {
  const customer = (await customersById(scope, [id])).get(id)
  if (!customer) throw notFound("Customer", id)
  return customer
}
