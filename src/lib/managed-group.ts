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
