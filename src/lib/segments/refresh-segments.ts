import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { orderByReferences } from "../../core/segments"
import { refreshSegmentWorkflow } from "../../workflows/segments/refresh-segment"
import type { RefreshResult } from "../../workflows/segments/steps/finish-segment-refresh"
import type { RefreshState } from "../../workflows/segments/steps/start-segment-refresh"
import { loadActiveSegments } from "../profile/load-subject"

/**
 * Runs the refresh workflow for one segment; on failure, writes the error message into refresh_state (the
 * workflow's compensation has already marked it failed and undone its writes) and rethrows.
 */
export async function refreshSegment(
  container: MedusaContainer,
  segmentId: string,
  now?: Date,
  opts: { cascade?: boolean } = {}
): Promise<RefreshResult> {
  try {
    const { result } = await refreshSegmentWorkflow(container).run({ input: { segment_id: segmentId, now, cascade: opts.cascade } })
    return result
  } catch (e) {
    await recordFailure(container, segmentId, (e as Error)?.message ?? String(e))
    throw e
  }
}

async function recordFailure(container: MedusaContainer, segmentId: string, message: string) {
  try {
    const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
    const [s] = await service.listSegments({ id: segmentId }, { select: ["id", "refresh_state"], take: 1 })
    const state = s?.refresh_state as RefreshState | null
    if (state?.status === "failed") {
      await service.updateSegments({ id: segmentId, refresh_state: { ...state, error: message.slice(0, 1000) } })
    }
  } catch {
    // the segment may be gone; the caller gets the original error either way
  }
}

/**
 * Refreshes every active segment, referenced segments before the segments that reference them (so a
 * segment('x') condition reads x's fresh memberships). One failing segment is logged and does not stop the rest.
 */
export async function refreshAllSegments(
  container: MedusaContainer,
  now?: Date
): Promise<{ refreshed: RefreshResult[]; failed: { segment_id: string; error: string }[] }> {
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const ordered = orderByReferences(await loadActiveSegments(service))
  const refreshed: RefreshResult[] = []
  const failed: { segment_id: string; error: string }[] = []
  for (const segment of ordered) {
    try {
      // No cascade: the loop already visits dependents after what they reference.
      refreshed.push(await refreshSegment(container, segment.id, now, { cascade: false }))
    } catch (e) {
      const error = (e as Error)?.message ?? String(e)
      logger.error(`personalization: refreshing segment '${segment.handle}' failed: ${error}`)
      failed.push({ segment_id: segment.id, error })
    }
  }
  return { refreshed, failed }
}
