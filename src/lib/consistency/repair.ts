import { repairSegmentConsistencyWorkflow } from "../../workflows/consistency/repair-segment-consistency"
import { refreshSegmentWorkflow } from "../../workflows/segments/refresh-segment"
import { checkConsistency, type ConsistencyReport } from "./check"

type Resolver = { resolve<T = unknown>(key: string): T }

export type RepairOutcome = {
  segment_id: string
  handle: string
  action: "reconcile" | "refresh" | "skipped"
  error?: string
  group?: { added: number; removed: number }
}

export type RepairResult = { repaired: RepairOutcome[]; after: ConsistencyReport }

/**
 * Repairs every difference of `report` through workflows, then checks again:
 * - open memberships in a segment that is not active → refreshSegmentWorkflow (closes them, empties the group,
 *   recounts — exactly what the batch refresh does for a draft or archived segment);
 * - otherwise → repairSegmentConsistencyWorkflow (group reconciled to the open memberships, member_count recounted);
 * - a managed group that no longer exists cannot be rebuilt here (updating the segment recreates it): skipped.
 * A failing segment is recorded and the others still run (each workflow compensates its own partial work).
 */
export async function repairConsistency(container: Resolver, report: ConsistencyReport): Promise<RepairResult> {
  const repaired: RepairOutcome[] = []
  for (const d of report.differences) {
    const base = { segment_id: d.segment_id, handle: d.handle }
    if (d.group_missing) {
      repaired.push({ ...base, action: "skipped", error: "managed group no longer exists" })
      continue
    }
    try {
      if (d.stale_open_memberships > 0) {
        const { result } = await refreshSegmentWorkflow(container as never).run({ input: { segment_id: d.segment_id, cascade: false } })
        repaired.push({ ...base, action: "refresh", group: (result as { group?: { added: number; removed: number } }).group })
      } else {
        const { result } = await repairSegmentConsistencyWorkflow(container as never).run({ input: { segment_id: d.segment_id } })
        repaired.push({ ...base, action: "reconcile", group: result.group })
      }
    } catch (e) {
      repaired.push({ ...base, action: d.stale_open_memberships > 0 ? "refresh" : "reconcile", error: (e as Error).message })
    }
  }
  const after = await checkConsistency(container, { segmentIds: report.differences.map((d) => d.segment_id) })
  return { repaired, after }
}
