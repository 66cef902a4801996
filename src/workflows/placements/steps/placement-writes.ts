// Placement and variant writes, each with a compensation that undoes exactly what it did.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import { isDuplicateError, placementHandleTaken } from "./assert-placement-handle-free"

const service = (container: { resolve<T>(key: string): T }) =>
  container.resolve<PersonalizationModuleService>(PERSONALIZATION_MODULE)

export type VariantData = {
  name: string
  segment_id?: string | null
  priority?: number
  status?: "active" | "draft"
  content: Record<string, unknown>
}

export const createPlacementStep = createStep(
  "personalization-create-placement",
  async (data: { handle: string; description?: string | null }, { container }) => {
    try {
      const placement = await service(container).createPlacements({ handle: data.handle, description: data.description ?? null })
      return new StepResponse(placement, placement.id)
    } catch (e) {
      if (isDuplicateError(e)) throw placementHandleTaken(data.handle)
      throw e
    }
  },
  async (id, { container }) => {
    if (!id) return
    await service(container).deletePlacements(id)
  }
)

const PLACEMENT_FIELDS = ["handle", "description"] as const

export const updatePlacementStep = createStep(
  "personalization-update-placement",
  async (data: { id: string; handle?: string; description?: string | null }, { container }) => {
    const before = await service(container).retrievePlacement(data.id)
    const change: Record<string, unknown> = { id: data.id }
    const previous: Record<string, unknown> = { id: data.id }
    for (const k of PLACEMENT_FIELDS) {
      if (data[k] !== undefined && data[k] !== (before as Record<string, unknown>)[k]) {
        change[k] = data[k]
        previous[k] = (before as Record<string, unknown>)[k]
      }
    }
    const changed = Object.keys(change).filter((k) => k !== "id")
    if (!changed.length) return new StepResponse({ placement: before, changed }, null)
    try {
      const updated = await service(container).updatePlacements(change as { id: string })
      return new StepResponse({ placement: updated, changed }, previous)
    } catch (e) {
      if (isDuplicateError(e)) throw placementHandleTaken(String(data.handle))
      throw e
    }
  },
  async (previous, { container }) => {
    if (!previous) return
    await service(container).updatePlacements(previous as { id: string })
  }
)

/** Soft-deletes a placement and its variants; compensation restores both. */
export const deletePlacementStep = createStep(
  "personalization-delete-placement",
  async (input: { id: string }, { container }) => {
    const variants = await service(container).listPlacementVariants({ placement_id: input.id }, { select: ["id"], take: null })
    const variantIds = variants.map((v) => v.id)
    if (variantIds.length) await service(container).softDeletePlacementVariants(variantIds)
    await service(container).softDeletePlacements([input.id])
    return new StepResponse(undefined, { id: input.id, variantIds })
  },
  async (deleted, { container }) => {
    if (!deleted) return
    await service(container).restorePlacements([deleted.id])
    if (deleted.variantIds.length) await service(container).restorePlacementVariants(deleted.variantIds)
  }
)

export const createPlacementVariantsStep = createStep(
  "personalization-create-placement-variants",
  async (input: { placement_id: string; variants: VariantData[] }, { container }) => {
    if (!input.variants.length) return new StepResponse([], [] as string[])
    const created = await service(container).createPlacementVariants(
      input.variants.map((v) => ({
        placement_id: input.placement_id,
        name: v.name,
        segment_id: v.segment_id ?? null,
        priority: v.priority ?? 0,
        status: v.status ?? "active",
        content: v.content,
      }))
    )
    return new StepResponse(created, created.map((v) => v.id))
  },
  async (ids, { container }) => {
    if (!ids?.length) return
    await service(container).deletePlacementVariants(ids)
  }
)

const VARIANT_FIELDS = ["name", "segment_id", "priority", "status", "content"] as const

export const updatePlacementVariantStep = createStep(
  "personalization-update-placement-variant",
  async (data: { id: string } & Partial<VariantData>, { container }) => {
    const before = await service(container).retrievePlacementVariant(data.id)
    const change: Record<string, unknown> = { id: data.id }
    const previous: Record<string, unknown> = { id: data.id }
    for (const k of VARIANT_FIELDS) {
      const next = data[k]
      const prev = (before as Record<string, unknown>)[k]
      if (next !== undefined && JSON.stringify(next) !== JSON.stringify(prev)) {
        change[k] = next
        previous[k] = prev
      }
    }
    if (Object.keys(change).length === 1) return new StepResponse({ variant: before, changed: [] as string[] }, null)
    const updated = await service(container).updatePlacementVariants(change as { id: string })
    return new StepResponse({ variant: updated, changed: Object.keys(change).filter((k) => k !== "id") }, previous)
  },
  async (previous, { container }) => {
    if (!previous) return
    await service(container).updatePlacementVariants(previous as { id: string })
  }
)

export const deletePlacementVariantStep = createStep(
  "personalization-delete-placement-variant",
  async (input: { id: string }, { container }) => {
    await service(container).softDeletePlacementVariants([input.id])
    return new StepResponse(undefined, input.id)
  },
  async (id, { container }) => {
    if (!id) return
    await service(container).restorePlacementVariants([id])
  }
)
