import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Sparkles } from "@medusajs/icons"
import { Badge, Button, Container, Heading, Input, Select, StatusBadge, Table, Text } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { Link, useNavigate } from "react-router-dom"
import { formatDate, statusColor, useSegments, type SegmentStatus } from "../../lib/api"
import { EmptyState, ErrorState, LoadingRows } from "../../components/states"
import { SegmentsAsCode } from "../../components/segments-as-code"
import { Sparkline, useSegmentSeries } from "../../components/size-chart"

const PAGE_SIZE = 20
const ALL = "all"

const SegmentsPage = () => {
  const navigate = useNavigate()
  const [search, setSearch] = useState("")
  const [q, setQ] = useState("")
  const [status, setStatus] = useState<string>(ALL)
  const [page, setPage] = useState(0)

  // Debounced search: the list is asked for once the user stops typing.
  useEffect(() => {
    const t = setTimeout(() => {
      setQ(search.trim())
      setPage(0)
    }, 300)
    return () => clearTimeout(t)
  }, [search])

  const { data, isLoading, isError, error, refetch } = useSegments({
    limit: PAGE_SIZE,
    offset: page * PAGE_SIZE,
    q: q || undefined,
    status: status === ALL ? undefined : (status as SegmentStatus),
  })
  const segments = data?.segments ?? []
  const count = data?.count ?? 0
  // Members per day over the last 7 days, from the daily snapshots (one request for the page).
  const series = useSegmentSeries(segments.map((s) => s.id), 7)
  const filtered = !!q || status !== ALL

  return (
    <Container className="divide-y p-0">
      <div className="flex flex-wrap items-center justify-between gap-2 px-6 py-4">
        <div>
          <Heading level="h1">Segments</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Customers grouped by rules, kept up to date in real time. Each segment mirrors into a customer group
            that promotions and price lists can target.
          </Text>
        </div>
        <div className="flex items-center gap-x-2">
          <SegmentsAsCode />
          <Button size="small" asChild>
            <Link to="/segments/new">Create segment</Link>
          </Button>
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-2 px-6 py-4">
        <div className="w-full max-w-xs">
          <Input
            type="search"
            size="small"
            placeholder="Search name or handle"
            aria-label="Search segments"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        </div>
        <div className="w-40">
          <Select
            size="small"
            value={status}
            onValueChange={(v) => {
              setStatus(v)
              setPage(0)
            }}
          >
            <Select.Trigger aria-label="Filter by status">
              <Select.Value />
            </Select.Trigger>
            <Select.Content>
              <Select.Item value={ALL}>All statuses</Select.Item>
              <Select.Item value="active">Active</Select.Item>
              <Select.Item value="draft">Draft</Select.Item>
              <Select.Item value="archived">Archived</Select.Item>
            </Select.Content>
          </Select>
        </div>
      </div>
      {isLoading ? (
        <LoadingRows label="Loading segments…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : segments.length === 0 ? (
        filtered ? (
          <EmptyState title="No segments match" description="Try another search or status." />
        ) : (
          <EmptyState
            title="No segments yet"
            description="Create a segment to group customers by what they do and who they are."
            action={
              <Button size="small" variant="secondary" onClick={() => navigate("/segments/new")}>
                Create segment
              </Button>
            }
          />
        )
      ) : (
        <>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Name</Table.HeaderCell>
                <Table.HeaderCell>Status</Table.HeaderCell>
                <Table.HeaderCell>Purpose</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Members</Table.HeaderCell>
                <Table.HeaderCell>Last 7 days</Table.HeaderCell>
                <Table.HeaderCell>Last refreshed</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {segments.map((s) => (
                <Table.Row key={s.id} data-testid="segment-row" data-handle={s.handle}>
                  <Table.Cell>
                    <Link to={`/segments/${s.id}`} className="text-ui-fg-interactive hover:underline">
                      {s.name}
                    </Link>
                    <div className="text-ui-fg-muted txt-compact-xsmall">{s.handle}</div>
                  </Table.Cell>
                  <Table.Cell>
                    <StatusBadge color={statusColor(s.status)}>{s.status}</StatusBadge>
                  </Table.Cell>
                  <Table.Cell>
                    <Badge size="2xsmall">{s.purpose}</Badge>
                  </Table.Cell>
                  <Table.Cell className="text-right" data-testid="segment-members">
                    {s.member_count}
                  </Table.Cell>
                  <Table.Cell>
                    <Sparkline series={series.data?.get(s.id)} />
                  </Table.Cell>
                  <Table.Cell>{formatDate(s.last_refreshed_at)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          <Table.Pagination
            count={count}
            pageSize={PAGE_SIZE}
            pageIndex={page}
            pageCount={Math.max(1, Math.ceil(count / PAGE_SIZE))}
            canPreviousPage={page > 0}
            canNextPage={(page + 1) * PAGE_SIZE < count}
            previousPage={() => setPage((p) => Math.max(0, p - 1))}
            nextPage={() => setPage((p) => p + 1)}
          />
        </>
      )}
    </Container>
  )
}

export const config = defineRouteConfig({
  label: "Segments",
  icon: Sparkles,
  nested: "/customers",
})

export default SegmentsPage
