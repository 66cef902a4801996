/** Typed calls to the plugin's admin routes and the react-query hooks the pages share. */
import { keepPreviousData, useQuery } from "@tanstack/react-query"
import { sdk } from "./sdk"
import type { TraitInfo } from "./rule-builder"
import type { Rule, TraitOp } from "../../core/rules/ast"

export type SegmentStatus = "draft" | "active" | "archived"

export interface RefreshState {
  status?: "running" | "done" | "failed" | string
  done?: number
  total?: number
  entered?: number
  exited?: number
  started_at?: string
  finished_at?: string
  error?: string
}

export interface Segment {
  id: string
  handle: string
  name: string
  description: string | null
  rule: Rule
  rule_text: string
  status: SegmentStatus
  purpose: string
  is_public: boolean
  customer_group_id: string | null
  customer_group?: { id: string; name: string } | null
  version: number
  member_count: number
  last_refreshed_at: string | null
  refresh_state: RefreshState | null
  created_at: string
  updated_at: string
}

export interface Catalog {
  traits: TraitInfo[]
  operators: Record<string, TraitOp[]>
  event_types: string[]
  property_operators: string[]
  consent: { required: boolean; purposes: string[] }
}

export interface CustomerRef {
  id: string
  email?: string | null
  first_name?: string | null
  last_name?: string | null
}

export const keys = {
  segments: ["personalization", "segments"] as const,
  segment: (id: string) => ["personalization", "segment", id] as const,
  catalog: ["personalization", "catalog"] as const,
}

export function errorMessage(e: unknown): string {
  if (!e) return ""
  const m = (e as { message?: string }).message
  return m || String(e)
}

export function useCatalog() {
  return useQuery({
    queryKey: keys.catalog,
    queryFn: () => sdk.client.fetch<Catalog>("/admin/personalization/catalog"),
    staleTime: 5 * 60_000,
  })
}

export function useSegments(params: { limit: number; offset: number; q?: string; status?: SegmentStatus }) {
  const query: Record<string, string | number> = { limit: params.limit, offset: params.offset, order: "-created_at" }
  if (params.q) query.q = params.q
  if (params.status) query.status = params.status
  return useQuery({
    queryKey: [...keys.segments, query],
    queryFn: () =>
      sdk.client.fetch<{ segments: Segment[]; count: number }>("/admin/personalization/segments", { query }),
    placeholderData: keepPreviousData,
  })
}

export function useSegment(id: string | undefined, opts: { poll?: (s: Segment | undefined) => number | false } = {}) {
  return useQuery({
    queryKey: keys.segment(id ?? ""),
    queryFn: () => sdk.client.fetch<{ segment: Segment }>(`/admin/personalization/segments/${id}`),
    enabled: !!id,
    refetchInterval: opts.poll ? (q) => opts.poll!(q.state.data?.segment) : false,
  })
}

export function customerName(c: CustomerRef | null | undefined): string {
  if (!c) return ""
  const name = [c.first_name, c.last_name].filter(Boolean).join(" ")
  return name ? `${name}${c.email ? ` (${c.email})` : ""}` : c.email || c.id
}

export function formatDate(v: string | null | undefined): string {
  if (!v) return "—"
  const d = new Date(v)
  if (Number.isNaN(d.getTime())) return String(v)
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC"
}

export function statusColor(s: SegmentStatus): "green" | "grey" | "orange" {
  return s === "active" ? "green" : s === "draft" ? "orange" : "grey"
}
