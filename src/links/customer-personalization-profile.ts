import { defineLink } from "@medusajs/framework/utils"
import CustomerModule from "@medusajs/medusa/customer"
import PersonalizationModule from "../modules/personalization"

// customer.personalization_profile: the profile row whose customer_id is the customer's id.
// Read-only (no link table): the foreign id already lives on our side, so nothing has to be kept in sync.
export default defineLink(
  { linkable: CustomerModule.linkable.customer.id, field: "id" },
  {
    linkable: { ...PersonalizationModule.linkable.customerProfile.id, primaryKey: "customer_id" },
    alias: "personalization_profile",
  },
  { readOnly: true }
)
