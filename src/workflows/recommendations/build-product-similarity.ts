import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { acquireLockStep, releaseLockStep } from "@medusajs/medusa/core-flows"
import type { SimilaritySettings } from "../../lib/recommendations/build"
import { purgeReplacedSimilarityStep, replaceProductSimilarityStep } from "./steps/replace-product-similarity"
import { recordSimilarityRunStep } from "./steps/record-similarity-run"

export const SIMILARITY_LOCK_KEY = "personalization:product-similarity"

export type BuildProductSimilarityInput = {
  now?: Date | string
  /** Per-run overrides of the `recommendations` plugin options (metric, neighbors, minSupport, weights). */
  overrides?: Partial<Omit<SimilaritySettings, "buildCron">>
}

/**
 * Rebuilds product_similarity from orders and consented behaviour: replace-all in one transaction (the
 * previous rows restored if a later step fails), a model_run row, then the replaced rows purged.
 * One build at a time (lock).
 */
export const buildProductSimilarityWorkflow = createWorkflow(
  "personalization-build-product-similarity",
  (input: BuildProductSimilarityInput) => {
    const now = transform({ input }, ({ input }) => (input.now ? new Date(input.now) : new Date()))
    acquireLockStep({ key: SIMILARITY_LOCK_KEY, timeout: 120, ttl: 1800 })
    const build = replaceProductSimilarityStep(transform({ input }, ({ input }) => ({ overrides: input.overrides })))
    const run = recordSimilarityRunStep({ now, build })
    const purged = purgeReplacedSimilarityStep(transform({ build }, ({ build }) => ({ stamp: build.stamp })))
    releaseLockStep({ key: SIMILARITY_LOCK_KEY })
    return new WorkflowResponse(
      transform({ build, run, purged }, ({ build, run, purged }) => ({
        run_id: run.id,
        computed_at: build.stamp,
        replaced: build.replaced,
        purged: purged.purged,
        ...build.stats,
        params: build.params,
      }))
    )
  }
)
