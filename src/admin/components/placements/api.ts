/** Typed calls to the placement admin routes, for the Placements pages. */
import { keepPreviousData, useQuery } from "@tanstack/react-query"
import { sdk } from "../../lib/sdk"

export type PlacementContent = {
  title?: string
  subtitle?: string
  image_url?: string
  cta?: { label: string; href: string }
  product_ids?: string[]
  collection_id?: string
  category_id?: string
  recommendations?: { strategy: "for_you" | "cart" | "popular"; limit?: number }
}

export interface PlacementVariant {
  id: string
  name: string
  segment_id: string | null
  priority: number
  status: "active" | "draft"
  content: PlacementContent
  created_at: string
  updated_at: string
}

export interface Placement {
  id: string
  handle: string
  description: string | null
  variants: PlacementVariant[]
  created_at: string
  updated_at: string
}

export type VariantInput = {
  name: string
  segment_id: string | null
  priority: number
  status: "active" | "draft"
  content: PlacementContent
}

export interface PlacementPreview {
  placement: { id: string; handle: string }
  customer: { id: string; email?: string | null; first_name?: string | null; last_name?: string | null }
  profile_id: string | null
  served: boolean
  reason: string | null
  segments: { id: string; handle: string; name: string; is_public: boolean }[]
  variant: { id: string; name: string; segment_id: string | null; priority: number; targeted: boolean; content: PlacementContent } | null
  candidates: {
    id: string
    name: string
    segment_id: string | null
    priority: number
    held_out: boolean
    experiments: { experiment_id: string; arm: "control" | "treatment" }[]
  }[]
}

export const placementKeys = {
  list: ["personalization", "placements"] as const,
  one: (id: string) => ["personalization", "placement", id] as const,
}

export function usePlacements(params: { limit: number; offset: number; q?: string }) {
  const query: Record<string, string | number> = { limit: params.limit, offset: params.offset, order: "handle" }
  if (params.q) query.q = params.q
  return useQuery({
    queryKey: [...placementKeys.list, query],
    queryFn: () => sdk.client.fetch<{ placements: Placement[]; count: number }>("/admin/personalization/placements", { query }),
    placeholderData: keepPreviousData,
  })
}

export function usePlacement(id: string | undefined) {
  return useQuery({
    queryKey: placementKeys.one(id ?? ""),
    queryFn: () => sdk.client.fetch<{ placement: Placement }>(`/admin/personalization/placements/${id}`),
    enabled: !!id,
  })
}

export const placementApi = {
  create: (body: { handle: string; description?: string | null }) =>
    sdk.client.fetch<{ placement: Placement }>("/admin/personalization/placements", { method: "POST", body }),
  update: (id: string, body: { handle?: string; description?: string | null }) =>
    sdk.client.fetch<{ placement: Placement }>(`/admin/personalization/placements/${id}`, { method: "POST", body }),
  remove: (id: string) => sdk.client.fetch(`/admin/personalization/placements/${id}`, { method: "DELETE" }),
  addVariant: (id: string, body: VariantInput) =>
    sdk.client.fetch<{ placement: Placement }>(`/admin/personalization/placements/${id}/variants`, { method: "POST", body }),
  updateVariant: (id: string, variantId: string, body: Partial<VariantInput>) =>
    sdk.client.fetch<{ placement: Placement }>(`/admin/personalization/placements/${id}/variants/${variantId}`, { method: "POST", body }),
  removeVariant: (id: string, variantId: string) =>
    sdk.client.fetch(`/admin/personalization/placements/${id}/variants/${variantId}`, { method: "DELETE" }),
  preview: (id: string, customerId: string) =>
    sdk.client.fetch<{ preview: PlacementPreview }>(`/admin/personalization/placements/${id}/preview`, {
      query: { customer_id: customerId },
    }),
}

/** Which source a content object uses (exactly one is allowed by the server). */
export type SourceType = "product_ids" | "collection_id" | "category_id" | "recommendations"

export function sourceOf(c: PlacementContent): SourceType | null {
  if (c.product_ids) return "product_ids"
  if (c.collection_id) return "collection_id"
  if (c.category_id) return "category_id"
  if (c.recommendations) return "recommendations"
  return null
}

export function describeSource(c: PlacementContent): string {
  switch (sourceOf(c)) {
    case "product_ids":
      return `${c.product_ids!.length} product${c.product_ids!.length === 1 ? "" : "s"}`
    case "collection_id":
      return `collection ${c.collection_id}`
    case "category_id":
      return `category ${c.category_id}`
    case "recommendations":
      return `recommendations: ${c.recommendations!.strategy}${c.recommendations!.limit ? ` (${c.recommendations!.limit})` : ""}`
    default:
      return "—"
  }
}
