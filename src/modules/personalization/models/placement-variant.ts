import { model } from "@medusajs/framework/utils"
import { Placement } from "./placement"

// One content option of a placement: shown to members of `segment_id` (or to everyone when null = default).
// The highest `priority` among the subject's matching variants wins.
export const PlacementVariant = model
  .define(
    { name: "placement_variant", tableName: "personalization_placement_variant" },
    {
      id: model.id({ prefix: "pvar" }).primaryKey(),
      name: model.text(),
      segment_id: model.text().nullable(),
      priority: model.number().default(0),
      status: model.enum(["active", "draft"]).default("active"),
      content: model.json(),
      placement: model.belongsTo(() => Placement, { mappedBy: "variants" }),
    }
  )
  .indexes([{ on: ["segment_id"], where: "deleted_at IS NULL" }])
