import { model } from "@medusajs/framework/utils"

// A behavioural event of one profile. `client_id` is the sender's idempotency key.
export const BehaviorEvent = model
  .define(
    { name: "behavior_event", tableName: "personalization_behavior_event" },
    {
      id: model.id({ prefix: "pevt" }).primaryKey(),
      profile_id: model.text(),
      client_id: model.text(),
      type: model.text(),
      properties: model.json().default({}),
      occurred_at: model.dateTime(),
    }
  )
  .indexes([
    { on: ["profile_id", "client_id"], unique: true, where: "deleted_at IS NULL" },
    { on: ["profile_id", "type", "occurred_at"] },
    { on: ["occurred_at"] },
    // One pass over a behavioural window for every profile (batch refresh / preview `GROUP BY profile_id`).
    { on: ["type", "occurred_at"] },
  ])
