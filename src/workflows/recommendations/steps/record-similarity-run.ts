import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { PERSONALIZATION_MODULE } from "../../../modules/personalization"
import type PersonalizationModuleService from "../../../modules/personalization/service"
import type { ReplacedSimilarity } from "./replace-product-similarity"

export const SIMILARITY_RUN_KIND = "product_similarity"

/** One model_run row per build (what it learned from, how many neighbours): the scheduler reads the last one. */
export const recordSimilarityRunStep = createStep(
  "personalization-record-similarity-run",
  async (input: { now: Date | string; build: ReplacedSimilarity }, { container }) => {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const { build } = input
    const [run] = await service.createModelRuns([
      {
        kind: SIMILARITY_RUN_KIND,
        status: build.stats.rows ? "trained" : "insufficient_data",
        trained_at: new Date(input.now),
        train_size: build.stats.orders + build.stats.view_sessions + build.stats.carts,
        params: build.params as unknown as Record<string, unknown>,
        metrics: { ...build.stats, replaced: build.replaced },
        note: build.stats.rows ? null : "no product pair reached the minimum support",
      },
    ])
    return new StepResponse({ id: run.id }, run.id)
  },
  async (id: string | undefined, { container }) => {
    if (!id) return
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    await service.deleteModelRuns(id)
  }
)
