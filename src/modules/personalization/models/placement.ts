import { model } from "@medusajs/framework/utils"
import { PlacementVariant } from "./placement-variant"

// A slot in the storefront (e.g. `home.hero`) whose content depends on the subject's segments.
export const Placement = model
  .define(
    { name: "placement", tableName: "personalization_placement" },
    {
      id: model.id({ prefix: "pplc" }).primaryKey(),
      handle: model.text().searchable(),
      description: model.text().nullable(),
      variants: model.hasMany(() => PlacementVariant, { mappedBy: "placement" }),
    }
  )
  .indexes([{ on: ["handle"], unique: true, where: "deleted_at IS NULL" }])
