import { Container, Heading, Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { sdk } from "../lib/sdk"
import { errorMessage, type Segment } from "../lib/api"

export interface SeriesPoint {
  day: string
  members: number
  entered: number
  exited: number
}

interface SegmentAnalytics {
  segments: { segment_id?: string; id?: string; series: SeriesPoint[] }[]
}

/** Daily series from the snapshots (GET /admin/personalization/analytics/segments), for one or more segments. */
export function useSegmentSeries(ids: string[], days: number) {
  const to = new Date(Date.now() - 86_400_000)
  const from = new Date(to.getTime() - (days - 1) * 86_400_000)
  const day = (d: Date) => d.toISOString().slice(0, 10)
  return useQuery({
    queryKey: ["personalization", "series", ids, days, day(to)],
    enabled: ids.length > 0,
    queryFn: async () => {
      const res = await sdk.client.fetch<SegmentAnalytics>("/admin/personalization/analytics/segments", {
        query: { segment_ids: ids.join(","), from: day(from), to: day(to) },
      })
      return new Map(res.segments.map((s) => [String(s.segment_id ?? s.id), s.series]))
    },
    staleTime: 60_000,
  })
}

/** Size over time (members at the end of each day) with entries and exits, last 90 days. */
export function SizeChart({ segment }: { segment: Segment }) {
  const { data, isLoading, isError, error } = useSegmentSeries([segment.id], 90)
  const series = data?.get(segment.id) ?? []
  return (
    <Container className="divide-y p-0">
      <div className="px-6 py-4">
        <Heading level="h2">Size over time</Heading>
      </div>
      <div className="px-6 py-4">
        {isLoading ? (
          <Text size="small" className="text-ui-fg-subtle">
            Loading…
          </Text>
        ) : isError ? (
          <Text size="small" className="text-ui-fg-error" role="alert">
            {errorMessage(error)}
          </Text>
        ) : series.length === 0 ? (
          <Text size="small" className="text-ui-fg-subtle">
            No daily snapshots yet: they are taken once a day for active segments.
          </Text>
        ) : (
          <div className="h-64 w-full" data-testid="size-chart">
            <ResponsiveContainer width="100%" height="100%">
              <ComposedChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border-base, #e4e4e7)" />
                <XAxis dataKey="day" tick={{ fontSize: 11 }} minTickGap={24} />
                <YAxis yAxisId="members" tick={{ fontSize: 11 }} allowDecimals={false} />
                <YAxis yAxisId="flow" orientation="right" tick={{ fontSize: 11 }} allowDecimals={false} />
                <Tooltip />
                <Legend />
                <Bar yAxisId="flow" dataKey="entered" name="entered" fill="#22c55e" />
                <Bar yAxisId="flow" dataKey="exited" name="exited" fill="#ef4444" />
                <Line yAxisId="members" type="monotone" dataKey="members" name="members" stroke="#6366f1" dot={false} strokeWidth={2} />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        )}
      </div>
    </Container>
  )
}

/** A tiny members-per-day line for the list (last 7 days), with the change since the first day. */
export function Sparkline({ series }: { series: SeriesPoint[] | undefined }) {
  if (!series?.length)
    return (
      <span className="text-ui-fg-muted" title="No daily snapshots yet">
        <span aria-hidden="true">—</span>
        <span className="sr-only">No daily snapshots yet</span>
      </span>
    )
  const values = series.map((p) => p.members)
  const min = Math.min(...values)
  const max = Math.max(...values)
  const w = 64
  const h = 18
  const points = values
    .map((v, i) => `${values.length === 1 ? w / 2 : (i / (values.length - 1)) * w},${max === min ? h / 2 : h - ((v - min) / (max - min)) * h}`)
    .join(" ")
  const change = values[values.length - 1] - values[0]
  return (
    <span className="inline-flex items-center gap-x-2" title={`${values[0]} → ${values[values.length - 1]} members`}>
      <span className="sr-only">
        {values[0]} to {values[values.length - 1]} members over {values.length} days, change
      </span>
      <svg width={w} height={h} aria-hidden="true" focusable="false">
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth={1.5} />
      </svg>
      <span className={change > 0 ? "text-ui-tag-green-text" : change < 0 ? "text-ui-tag-red-text" : "text-ui-fg-subtle"}>
        {change > 0 ? `+${change}` : change}
      </span>
    </span>
  )
}
