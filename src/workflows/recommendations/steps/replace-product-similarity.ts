import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { generateEntityId } from "@medusajs/framework/utils"
import { inTransaction } from "../../../lib/db/transaction"
import { computeProductSimilarity, type SimilarityBuild, type SimilaritySettings } from "../../../lib/recommendations/build"

const INSERT_CHUNK = 5000

export type ReplacedSimilarity = {
  /** Marks this build: its rows' created_at and the deleted_at of the rows it replaced. */
  stamp: string
  replaced: number
  stats: SimilarityBuild["stats"]
  params: SimilarityBuild["params"]
}

/**
 * Computes the neighbours and swaps them in, in one transaction: the live rows are marked deleted with this
 * build's stamp and the new rows inserted. Compensation (one transaction) deletes the new rows and restores
 * the ones it replaced; `purgeReplacedSimilarityStep` removes the replaced rows for good at the end.
 */
export const replaceProductSimilarityStep = createStep(
  "personalization-replace-product-similarity",
  async (input: { overrides?: Partial<SimilaritySettings> }, { container }) => {
    const build = await computeProductSimilarity(container, input.overrides ?? {})
    const result = await inTransaction(container, async (run) => {
      // Strictly later than anything in the table, so the stamp identifies this build's rows alone.
      const [{ stamp }] = await run<{ stamp: string }>(
        `SELECT to_char(GREATEST($1::timestamptz,
                  COALESCE((SELECT max(created_at) FROM personalization_product_similarity), '-infinity'::timestamptz) + interval '1 millisecond',
                  COALESCE((SELECT max(deleted_at) FROM personalization_product_similarity), '-infinity'::timestamptz) + interval '1 millisecond')
                AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stamp`,
        [new Date().toISOString()]
      )
      const replaced = await run<{ n: number }>(
        `WITH d AS (UPDATE personalization_product_similarity SET deleted_at = $1::timestamptz
                     WHERE deleted_at IS NULL RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [stamp]
      )
      for (let i = 0; i < build.rows.length; i += INSERT_CHUNK) {
        const chunk = build.rows.slice(i, i + INSERT_CHUNK)
        await run(
          `INSERT INTO personalization_product_similarity
             (id, product_id, neighbor_id, score, support, reason, rank, computed_at, created_at, updated_at)
           SELECT id, product_id, neighbor_id, score, support, reason, rank, $8::timestamptz, $8::timestamptz, $8::timestamptz
             FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::int[], $6::text[], $7::int[])
                  AS t(id, product_id, neighbor_id, score, support, reason, rank)`,
          [
            chunk.map(() => generateEntityId(undefined, "psim")),
            chunk.map((r) => r.product_id),
            chunk.map((r) => r.neighbor_id),
            chunk.map((r) => r.score),
            chunk.map((r) => r.support),
            chunk.map((r) => r.reason),
            chunk.map((r) => r.rank),
            stamp,
          ]
        )
      }
      return { stamp, replaced: replaced[0].n }
    })
    const out: ReplacedSimilarity = { ...result, stats: build.stats, params: build.params }
    return new StepResponse(out, { stamp: result.stamp })
  },
  async (comp: { stamp: string } | undefined, { container }) => {
    if (!comp) return
    await inTransaction(container, async (run) => {
      await run(`DELETE FROM personalization_product_similarity WHERE created_at = $1::timestamptz AND deleted_at IS NULL`, [comp.stamp])
      await run(`UPDATE personalization_product_similarity SET deleted_at = NULL WHERE deleted_at = $1::timestamptz`, [comp.stamp])
    })
  }
)

/** Last step: the replaced rows go for good (nothing after this can fail and need them back). */
export const purgeReplacedSimilarityStep = createStep(
  "personalization-purge-replaced-similarity",
  async (input: { stamp: string }, { container }) => {
    const rows = await inTransaction(container, (run) =>
      run<{ n: number }>(
        `WITH d AS (DELETE FROM personalization_product_similarity
                     WHERE deleted_at IS NOT NULL AND deleted_at <= $1::timestamptz RETURNING 1)
         SELECT count(*)::int AS n FROM d`,
        [input.stamp]
      )
    )
    return new StepResponse({ purged: rows[0].n })
  }
)
