import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService } from "@medusajs/framework/types"

// Customer groups created by the plugin carry this metadata so the admin and the plugin can tell them apart.
export const MANAGED_BY = "medusa-personalization"

export function managedGroupName(segmentName: string): string {
  return `Segment: ${segmentName}`
}

export function managedGroupMetadata(segmentId: string, handle: string) {
  return { managed_by: MANAGED_BY, segment_id: segmentId, segment_handle: handle }
}

export function isManagedGroup(metadata: Record<string, unknown> | null | undefined): boolean {
  return metadata?.managed_by === MANAGED_BY
}

type Resolver = { resolve<T = unknown>(key: string): T }

export type ManagedGroupRef = { id: string; name: string; segment_id: string | null; segment_handle: string | null }

/** Of the given customer group ids, the groups the plugin manages (a segment's mirror), in the order given. */
export async function findManagedGroups(scope: Resolver, groupIds: string[]): Promise<ManagedGroupRef[]> {
  const ids = [...new Set(groupIds.filter((id) => typeof id === "string" && id))]
  if (!ids.length) return []
  const customers = scope.resolve<ICustomerModuleService>(Modules.CUSTOMER)
  const groups = await customers.listCustomerGroups({ id: ids }, { select: ["id", "name", "metadata"], take: null })
  const byId = new Map(groups.filter((g) => isManagedGroup(g.metadata)).map((g) => [g.id, g]))
  return ids.flatMap((id) => {
    const g = byId.get(id)
    if (!g) return []
    const meta = g.metadata ?? {}
    const str = (v: unknown) => (typeof v === "string" ? v : null)
    return [{ id: g.id, name: g.name ?? g.id, segment_id: str(meta.segment_id), segment_handle: str(meta.segment_handle) }]
  })
}

/** Why a managed group's members cannot be edited by hand: names the group and its segment. */
export function managedGroupEditMessage(group: ManagedGroupRef): string {
  const segment = group.segment_handle ? `the segment '${group.segment_handle}'` : "a segment"
  return (
    `customer group '${group.name}' (${group.id}) is managed by ${segment}: its members are the segment's members, ` +
    `so they cannot be added or removed by hand (a change would be undone at the next refresh). Change the segment's rule instead.`
  )
}
