import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { createSegmentWorkflow } from "../../../../../workflows/segments"
import { discoverSegments } from "../../../../../lib/analytics/discover"
import { invalid } from "../../../../../lib/errors"
import { actorOf } from "../../../../../lib/privacy/audit"
import { withConflicts } from "../../../../utils/conflict"
import { retrieveSegmentResponse } from "../../segments/helpers"
import type { AdminCreateSegmentFromClusterType } from "../validators"

/**
 * "Create segment from cluster": recomputes the discovery (deterministic for the same data), takes the chosen
 * cluster's rule and creates the segment with the ordinary create-segment workflow (managed group, audit,
 * backfill when active). 400 naming `cluster` when there is no such cluster.
 */
export const POST = withConflicts(
  async (req: AuthenticatedMedusaRequest<AdminCreateSegmentFromClusterType>, res: MedusaResponse) => {
    const body = req.validatedBody
    const discovery = await discoverSegments(req.scope, { k: body.k })
    const cluster = discovery.clusters[body.cluster]
    if (!cluster) {
      throw invalid(
        "cluster",
        discovery.k === null ? `no clusters to choose from (${discovery.reason})` : `must be between 0 and ${discovery.clusters.length - 1} (k = ${discovery.k})`
      )
    }
    const { result } = await createSegmentWorkflow(req.scope).run({
      input: {
        handle: body.handle,
        name: body.name ?? cluster.suggested.name,
        description: body.description ?? `Discovered by k-means on RFM (k = ${discovery.k}): ${cluster.description}`,
        rule: cluster.rule,
        status: body.status,
        actor: actorOf(req),
      },
    })
    res.status(201).json({
      segment: await retrieveSegmentResponse(req.scope, result.id),
      cluster: { index: cluster.index, k: discovery.k, size: cluster.size, description: cluster.description, rule_text: cluster.rule_text },
    })
  }
)
