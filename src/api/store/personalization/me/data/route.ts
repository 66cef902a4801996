import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requireCustomer } from "../../../../../lib/privacy/subject"
import { buildCustomerExport } from "../../../../../lib/privacy/export"
import { eraseCustomerDataWorkflow } from "../../../../../workflows/privacy/erase-customer-data"
import { personalizationOf } from "../../helpers"

/** GDPR access: everything the plugin holds about the logged-in customer, as JSON. */
export const GET = async (req: MedusaRequest, res: MedusaResponse) => {
  const customerId = requireCustomer(req)
  res.json(await buildCustomerExport(req.scope, customerId))
}

/** GDPR erasure for the logged-in customer; only a withdrawal record per purpose remains. */
export const DELETE = async (req: MedusaRequest, res: MedusaResponse) => {
  const customerId = requireCustomer(req)
  const { result } = await eraseCustomerDataWorkflow(req.scope).run({
    input: { customer_id: customerId, purposes: personalizationOf(req).getOptions().consent.purposes, source: "store" },
  })
  res.json({ erased: true, ...result })
}
