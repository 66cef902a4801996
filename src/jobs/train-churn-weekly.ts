import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { runChurnTraining } from "../lib/analytics/churn-run"

/** Mondays at 02:40 UTC: retrain the churn model on the store's history and score churn_risk. */
export default async function trainChurnWeekly(container: MedusaContainer) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  try {
    const r = await runChurnTraining(container)
    const run = r.run
    logger.info(
      run.status === "trained"
        ? `personalization churn: trained on ${run.train_size} customers, holdout AUC ${Number(run.auc).toFixed(3)} (${run.holdout_size}); ${r.scored} profiles scored`
        : `personalization churn: ${run.status} — ${run.note ?? ""}; churn_risk left null`
    )
  } catch (e) {
    logger.error(`personalization churn training failed: ${(e as Error).message}`)
  }
}

export const config = {
  name: "personalization-train-churn-weekly",
  schedule: "40 2 * * 1",
}
