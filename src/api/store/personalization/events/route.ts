import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { requireSubject } from "../../../../lib/privacy/subject"
import { withConflicts } from "../../../utils/conflict"
import { retryableOnOutage } from "../../../utils/unavailable"
import { trackEvents } from "../../../../lib/privacy/track"
import { refOf } from "../helpers"
import type { StoreTrackEventsType } from "../validators"

/**
 * A batch of storefront events. Answers 202 with what was kept: `accepted` (stored now), `duplicates`
 * (ids already stored), `dropped_no_consent` (the whole batch, when consent is required and not granted),
 * `dropped_stale` (older than 7 days). Memberships are re-evaluated AFTER the response: the batch is stored
 * in one statement and `personalization.events.tracked` is emitted; a subscriber evaluates (coalescing bursts).
 * Storage or Redis failing mid-request → 503 with Retry-After (the batch is safe to resend: ids deduplicate).
 */
export const POST = withConflicts(
  retryableOnOutage("storing events", async (req: MedusaRequest<StoreTrackEventsType>, res: MedusaResponse) => {
    const subject = requireSubject(req)
    const result = await trackEvents(req.scope, refOf(subject), req.validatedBody)
    res.status(202).json(result)
  })
)
