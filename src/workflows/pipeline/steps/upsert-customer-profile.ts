import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import type { AccountTraits, ProfileTraits } from "../../../lib/profile/build-profile"
import { traceMark } from "../../../lib/pipeline/trace"

type Undo = { created?: string; previous?: Record<string, unknown> } | null

const COLUMNS = [
  "orders_count", "total_spent", "aov", "currency_code", "first_order_at", "last_order_at", "carts_created",
  "carts_abandoned", "abandonment_rate", "country", "has_account", "email_domain", "customer_created_at", "traits",
] as const

export type UpsertedProfile = { profile_id: string | null; profile: Record<string, unknown> | null }

/**
 * Creates or updates the customer's profile with freshly computed traits (jsonb traits are merged, so keys
 * other features own survive). Returns the profile id and the written row (the planner evaluates it without
 * reading it back). `existing`: the row the caller already read under the customer's lock. Compensation
 * deletes a new row or restores the old values.
 */
export const upsertCustomerProfileStep = createStep(
  "personalization-upsert-customer-profile",
  async (
    input: { traits: ProfileTraits | AccountTraits | null; customer_id: string; existing?: Record<string, unknown> | null },
    { container }
  ) => {
    traceMark(input.customer_id, "upsert:start")
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const existing = (
      input.existing?.id ? input.existing : (await service.listCustomerProfiles({ customer_id: input.customer_id }, { take: 1 }))[0]
    ) as (Record<string, unknown> & { id: string }) | undefined
    if (!input.traits) {
      return new StepResponse<UpsertedProfile, Undo>({ profile_id: existing?.id ?? null, profile: null }, null)
    }
    // Money goes in as exact decimal strings; DML bigNumber columns take them as they are.
    const data = input.traits as unknown as Record<string, unknown>
    if (!existing) {
      const created = await service.createCustomerProfiles(data)
      return new StepResponse<UpsertedProfile, Undo>(
        { profile_id: created.id, profile: created as unknown as Record<string, unknown> },
        { created: created.id }
      )
    }
    const previous: Record<string, unknown> = { id: existing.id }
    for (const k of COLUMNS) previous[k] = existing[k]
    const updated = await service.updateCustomerProfiles({
      ...data,
      id: existing.id,
      traits: { ...((existing.traits as Record<string, unknown>) ?? {}), ...input.traits.traits },
    })
    traceMark(input.customer_id, "upsert:end")
    return new StepResponse<UpsertedProfile, Undo>(
      { profile_id: existing.id, profile: updated as unknown as Record<string, unknown> },
      { previous }
    )
  },
  async (undo, { container }) => {
    if (!undo) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    if (undo.created) await service.deleteCustomerProfiles(undo.created)
    if (undo.previous) await service.updateCustomerProfiles(undo.previous as { id: string })
  }
)
