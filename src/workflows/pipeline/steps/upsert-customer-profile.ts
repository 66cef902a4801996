import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import type { ProfileTraits } from "../../../lib/profile/build-profile"

type Undo = { created?: string; previous?: Record<string, unknown> } | null

const COLUMNS = [
  "orders_count", "total_spent", "aov", "currency_code", "first_order_at", "last_order_at", "carts_created",
  "carts_abandoned", "abandonment_rate", "country", "has_account", "email_domain", "customer_created_at", "traits",
] as const

/**
 * Creates or updates the customer's profile with freshly computed traits (jsonb traits are merged, so keys
 * other features own survive). Returns the profile id. Compensation deletes a new row or restores the old values.
 */
export const upsertCustomerProfileStep = createStep(
  "personalization-upsert-customer-profile",
  async (input: { traits: ProfileTraits | null; customer_id: string }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [existing] = await service.listCustomerProfiles({ customer_id: input.customer_id }, { take: 1 })
    if (!input.traits) {
      return new StepResponse<string | null, Undo>(existing?.id ?? null, null)
    }
    // Money goes in as exact decimal strings; DML bigNumber columns take them as they are.
    const data = input.traits as unknown as Record<string, unknown>
    if (!existing) {
      const created = await service.createCustomerProfiles(data)
      return new StepResponse<string | null, Undo>(created.id, { created: created.id })
    }
    const previous: Record<string, unknown> = { id: existing.id }
    for (const k of COLUMNS) previous[k] = (existing as Record<string, unknown>)[k]
    await service.updateCustomerProfiles({
      ...data,
      id: existing.id,
      traits: { ...((existing.traits as Record<string, unknown>) ?? {}), ...input.traits.traits },
    })
    return new StepResponse<string | null, Undo>(existing.id, { previous })
  },
  async (undo, { container }) => {
    if (!undo) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    if (undo.created) await service.deleteCustomerProfiles(undo.created)
    if (undo.previous) await service.updateCustomerProfiles(undo.previous as { id: string })
  }
)
