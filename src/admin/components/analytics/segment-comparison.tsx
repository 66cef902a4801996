import { Button, Container, Heading, Input, Label, Table, Text } from "@medusajs/ui"
import { useMemo, useState } from "react"
import { Link } from "react-router-dom"
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { errorMessage, useSegments } from "../../lib/api"
import { EmptyState, ErrorState, LoadingRows } from "../states"
import { day, formatMoney, pct, useSegmentComparison, type SegmentKpi } from "./api"

const COLORS = ["#6366f1", "#22c55e", "#f59e0b", "#ef4444", "#06b6d4", "#a855f7", "#84cc16", "#ec4899"]
const MAX_SELECTED = 20

/**
 * Segments side by side over a period (UTC days, both ends included): members, cart conversion, revenue per
 * member, from GET /admin/personalization/analytics/segments. Money comes as decimal strings and is shown as is
 * (formatted); the charts plot Number() of the server's per-segment values, nothing is summed here.
 */
export function SegmentComparison() {
  const yesterday = new Date(Date.now() - 86_400_000)
  const [from, setFrom] = useState(day(new Date(yesterday.getTime() - 27 * 86_400_000)))
  const [to, setTo] = useState(day(yesterday))
  const [applied, setApplied] = useState({ from, to })
  const [selected, setSelected] = useState<string[]>([])
  const segments = useSegments({ limit: 100, offset: 0 })
  const { data, isLoading, isError, error, refetch, isFetching } = useSegmentComparison(applied.from, applied.to, selected)

  const toggle = (id: string) =>
    setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : s.length >= MAX_SELECTED ? s : [...s, id]))

  const currency = data?.currency_code ?? "usd"
  const rows = data?.segments ?? []
  const bars = useMemo(
    () =>
      rows.map((s) => ({
        name: s.name,
        members: s.members_end ?? 0,
        conversion: s.conversion_rate === null ? null : Math.round(s.conversion_rate * 10000) / 100,
        revenue_per_member: s.revenue_per_member === null ? null : Number(s.revenue_per_member),
      })),
    [rows]
  )
  const membersSeries = useMemo(() => mergeSeries(rows), [rows])

  return (
    <Container className="divide-y p-0" data-testid="segment-comparison">
      <div className="px-6 py-4">
        <Heading level="h2">Compare segments</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          From the daily snapshots{data ? ` · ${data.from} to ${data.to} (UTC) · ${currency.toUpperCase()}` : ""}
          {isFetching && !isLoading ? " · updating…" : ""}
        </Text>
      </div>
      <form
        className="flex flex-wrap items-end gap-3 px-6 py-4"
        onSubmit={(e) => {
          e.preventDefault()
          setApplied({ from, to })
        }}
      >
        <div className="flex flex-col gap-y-1">
          <Label htmlFor="analytics-from" size="small">
            From
          </Label>
          <Input id="analytics-from" size="small" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </div>
        <div className="flex flex-col gap-y-1">
          <Label htmlFor="analytics-to" size="small">
            To
          </Label>
          <Input id="analytics-to" size="small" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </div>
        <Button size="small" variant="secondary" type="submit">
          Apply period
        </Button>
      </form>
      <div className="flex flex-wrap items-center gap-2 px-6 py-3">
        <Text size="xsmall" className="text-ui-fg-subtle">
          Segments ({selected.length ? `${selected.length} chosen` : "all non-archived"}):
        </Text>
        {(segments.data?.segments ?? [])
          .filter((s) => s.status !== "archived")
          .map((s) => (
            <Button
              key={s.id}
              size="small"
              type="button"
              variant={selected.includes(s.id) ? "primary" : "secondary"}
              aria-pressed={selected.includes(s.id)}
              onClick={() => toggle(s.id)}
            >
              {s.name}
            </Button>
          ))}
        {selected.length > 0 && (
          <Button size="small" variant="transparent" type="button" onClick={() => setSelected([])}>
            Clear
          </Button>
        )}
      </div>
      {isLoading ? (
        <LoadingRows label="Loading analytics…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState title="No segments to compare" description="Create an active segment; snapshots are taken once a day." />
      ) : (
        <>
          {rows.every((s) => s.members_end === null) && (
            <Text size="small" className="px-6 py-3 text-ui-fg-subtle" data-testid="no-snapshots">
              No daily snapshots in this period yet (they are taken once a day, after midnight UTC, for active segments):
              the charts fill in from the first one.
            </Text>
          )}
          <div className="grid grid-cols-1 gap-4 px-6 py-4 lg:grid-cols-3">
            <ChartBox title="Members at the end of the period">
              <BarChart data={bars}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis tick={{ fontSize: 11 }} allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="members" name="members" fill="#6366f1" />
              </BarChart>
            </ChartBox>
            <ChartBox title="Cart conversion (%)">
              <BarChart data={bars}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis tick={{ fontSize: 11 }} unit="%" />
                <Tooltip formatter={(v) => `${v}%`} />
                <Bar dataKey="conversion" name="conversion" fill="#22c55e" />
              </BarChart>
            </ChartBox>
            <ChartBox title={`Revenue per member (${currency.toUpperCase()})`}>
              <BarChart data={bars}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} />
                <YAxis tick={{ fontSize: 11 }} />
                <Tooltip formatter={(_v, _n, item) => formatMoney(rows[bars.indexOf(item.payload)]?.revenue_per_member, currency)} />
                <Bar dataKey="revenue_per_member" name="revenue per member" fill="#f59e0b" />
              </BarChart>
            </ChartBox>
          </div>
          {membersSeries.data.length > 0 && (
            <div className="px-6 py-4">
              <ChartBox title="Members per day" tall>
                <LineChart data={membersSeries.data}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="day" tick={{ fontSize: 11 }} minTickGap={24} />
                  <YAxis tick={{ fontSize: 11 }} allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  {membersSeries.names.map((n, i) => (
                    <Line key={n} type="monotone" dataKey={n} stroke={COLORS[i % COLORS.length]} dot={false} strokeWidth={2} />
                  ))}
                </LineChart>
              </ChartBox>
            </div>
          )}
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Segment</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Members (start → end)</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Entered / exited</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Orders</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Conversion</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Repeat</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Revenue</Table.HeaderCell>
                <Table.HeaderCell className="text-right">AOV</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Per member</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {rows.map((s) => (
                <Table.Row key={s.segment_id} data-testid="analytics-row">
                  <Table.Cell>
                    <Link to={`/segments/${s.segment_id}`} className="text-ui-fg-interactive hover:underline">
                      {s.name}
                    </Link>
                  </Table.Cell>
                  <Table.Cell className="text-right">
                    {s.members_start ?? "—"} → {s.members_end ?? "—"}
                  </Table.Cell>
                  <Table.Cell className="text-right">
                    +{s.entered} / −{s.exited}
                  </Table.Cell>
                  <Table.Cell className="text-right">{s.orders}</Table.Cell>
                  <Table.Cell className="text-right">
                    {pct(s.conversion_rate)} <span className="text-ui-fg-muted">({s.converted_carts}/{s.carts})</span>
                  </Table.Cell>
                  <Table.Cell className="text-right">{pct(s.repeat_rate)}</Table.Cell>
                  <Table.Cell className="text-right">{formatMoney(s.revenue, currency)}</Table.Cell>
                  <Table.Cell className="text-right">{formatMoney(s.aov, currency)}</Table.Cell>
                  <Table.Cell className="text-right">{formatMoney(s.revenue_per_member, currency)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </>
      )}
      {segments.isError && (
        <Text size="small" className="px-6 py-2 text-ui-fg-error" role="alert">
          {errorMessage(segments.error)}
        </Text>
      )}
    </Container>
  )
}

function ChartBox({ title, children, tall }: { title: string; children: React.ReactElement; tall?: boolean }) {
  return (
    <div className="flex flex-col gap-y-2">
      <Text size="small" weight="plus">
        {title}
      </Text>
      <div className={tall ? "h-64 w-full" : "h-56 w-full"}>
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </div>
  )
}

/** One row per day with a column per segment (members), for the line chart. Names are de-duplicated. */
function mergeSeries(rows: SegmentKpi[]) {
  const names: string[] = []
  const byDay = new Map<string, Record<string, string | number>>()
  for (const s of rows) {
    let name = s.name
    while (names.includes(name)) name = `${name} (${s.handle})`
    names.push(name)
    for (const p of s.series) {
      const row = byDay.get(p.day) ?? { day: p.day }
      row[name] = p.members
      byDay.set(p.day, row)
    }
  }
  return { names, data: [...byDay.values()].sort((a, b) => String(a.day).localeCompare(String(b.day))) }
}
