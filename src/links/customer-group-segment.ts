import { defineLink } from "@medusajs/framework/utils"
import CustomerModule from "@medusajs/medusa/customer"
import PersonalizationModule from "../modules/personalization"

// customer_group.personalization_segment: the segment managing a group (null for merchant-made groups).
export default defineLink(
  { linkable: CustomerModule.linkable.customerGroup.id, field: "id" },
  {
    linkable: { ...PersonalizationModule.linkable.segment.id, primaryKey: "customer_group_id" },
    alias: "personalization_segment",
  },
  { readOnly: true }
)
