import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { notFound } from "../../../../lib/errors"

/** A segment with its managed customer group, as every admin segment route returns it. */
export async function retrieveSegmentResponse(scope: MedusaContainer, id: string) {
  const query = scope.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({
    entity: "segment",
    fields: ["*", "customer_group.id", "customer_group.name"],
    filters: { id },
  })
  if (!data[0]) throw notFound("Segment", id)
  return data[0]
}
