import { defineLink } from "@medusajs/framework/utils"
import CustomerModule from "@medusajs/medusa/customer"
import PersonalizationModule from "../modules/personalization"

// segment.customer_group: the managed group a segment mirrors its members into.
export default defineLink(
  { linkable: PersonalizationModule.linkable.segment.id, field: "customer_group_id" },
  CustomerModule.linkable.customerGroup,
  { readOnly: true }
)
