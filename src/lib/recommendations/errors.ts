import { MedusaError } from "@medusajs/framework/utils"

/** 404 whose message starts with the field, like our 400s: "product_id: product 'x' was not found". */
export function notFoundField(field: string, problem: string): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_FOUND, `${field}: ${problem}`)
}
