import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { findGatedOffers } from "../../../lib/gated-offers"
import { conflict } from "../../../lib/errors"

/** Deleting a segment must not silently strip the gate off live discounts: 409 naming what still uses its group. */
export const assertGroupUnreferencedStep = createStep(
  "personalization-assert-group-unreferenced",
  async (input: { group_id: string | null; segment_handle: string }, { container }) => {
    if (!input.group_id) return new StepResponse(undefined)
    const { promotions, price_lists } = await findGatedOffers(container, [input.group_id])
    if (promotions.length || price_lists.length) {
      const names = [
        ...promotions.map((p) => `promotion ${p.code ?? p.id} (${p.id})`),
        ...price_lists.map((l) => `price list ${l.title ?? l.id} (${l.id})`),
      ]
      throw conflict(
        `segment '${input.segment_handle}' gates ${names.join(", ")}; remove the customer group rule from them first`
      )
    }
    return new StepResponse(undefined)
  }
)
