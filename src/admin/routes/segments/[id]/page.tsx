import { ArrowPath, PencilSquare } from "@medusajs/icons"
import { Badge, Button, Container, Heading, StatusBadge, Table, Text, toast } from "@medusajs/ui"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import { Link, useParams } from "react-router-dom"
import { sdk } from "../../../lib/sdk"
import { customerName, errorMessage, formatDate, keys, statusColor, useSegment, type CustomerRef, type Segment } from "../../../lib/api"
import { EmptyState, ErrorState, LoadingRows } from "../../../components/states"
import { GatePromotionDrawer } from "../../../components/gate-promotion"
import { SizeChart } from "../../../components/size-chart"

const MEMBERS_PAGE = 20

const SegmentDetailPage = () => {
  const { id } = useParams()
  const [refreshing, setRefreshing] = useState(false)
  // While a refresh runs, poll the segment for its refresh_state (done / total).
  const { data, isLoading, isError, error, refetch } = useSegment(id, {
    poll: (s) => (refreshing || s?.refresh_state?.status === "running" ? 1000 : false),
  })
  if (isLoading) return <LoadingRows label="Loading segment…" />
  if (isError || !data) return <ErrorState error={error} onRetry={() => refetch()} />
  const segment = data.segment
  return (
    <div className="flex flex-col gap-y-3">
      <Header segment={segment} refreshing={refreshing} setRefreshing={setRefreshing} />
      <SizeChart segment={segment} />
      <Members segment={segment} />
      <History segment={segment} />
    </div>
  )
}

function Header({ segment, refreshing, setRefreshing }: { segment: Segment; refreshing: boolean; setRefreshing: (b: boolean) => void }) {
  const queryClient = useQueryClient()
  const refresh = useMutation({
    mutationFn: () => sdk.client.fetch<{ refresh: Record<string, unknown> }>(`/admin/personalization/segments/${segment.id}/refresh`, { method: "POST", body: {} }),
    onMutate: () => setRefreshing(true),
    onSettled: () => {
      setRefreshing(false)
      queryClient.invalidateQueries({ queryKey: keys.segment(segment.id) })
      queryClient.invalidateQueries({ queryKey: ["personalization", "members", segment.id] })
      queryClient.invalidateQueries({ queryKey: keys.segments })
    },
    onSuccess: () => toast.success("Segment refreshed"),
    onError: (e) => toast.error(errorMessage(e)),
  })
  const state = segment.refresh_state
  const running = refreshing || state?.status === "running"
  return (
    <Container className="divide-y p-0">
      <div className="flex flex-wrap items-start justify-between gap-2 px-6 py-4">
        <div className="flex flex-col gap-y-1">
          <div className="flex items-center gap-x-2">
            <Heading level="h1">{segment.name}</Heading>
            <StatusBadge color={statusColor(segment.status)}>{segment.status}</StatusBadge>
          </div>
          <Text size="small" className="text-ui-fg-subtle">
            {segment.handle} · purpose <Badge size="2xsmall">{segment.purpose}</Badge> · version {segment.version}
          </Text>
          {segment.description && <Text size="small">{segment.description}</Text>}
        </div>
        <div className="flex items-center gap-x-2">
          <Button size="small" variant="secondary" asChild>
            <Link to={`/segments/${segment.id}/edit`}>
              <PencilSquare /> Edit
            </Link>
          </Button>
          <Button size="small" variant="secondary" onClick={() => refresh.mutate()} isLoading={running} disabled={running}>
            <ArrowPath /> Refresh
          </Button>
          <GatePromotionDrawer segment={segment} />
        </div>
      </div>
      <div className="grid grid-cols-2 gap-4 px-6 py-4 md:grid-cols-4">
        <Fact label="Members" value={<span data-testid="detail-member-count">{segment.member_count}</span>} />
        <Fact label="Last refreshed" value={formatDate(segment.last_refreshed_at)} />
        <Fact
          label="Customer group"
          value={
            segment.customer_group ? (
              <Link to={`/customer-groups/${segment.customer_group.id}`} className="text-ui-fg-interactive hover:underline">
                {segment.customer_group.name}
              </Link>
            ) : (
              "—"
            )
          }
        />
        <Fact
          label="Refresh"
          value={
            running ? (
              <span role="status" data-testid="refresh-progress">
                running {state?.done ?? 0}/{state?.total ?? "?"}
              </span>
            ) : state?.status ? (
              `${state.status}${state.entered !== undefined ? ` (+${state.entered} / −${state.exited ?? 0})` : ""}`
            ) : (
              "—"
            )
          }
        />
      </div>
      <div className="px-6 py-4">
        <Text size="xsmall" className="text-ui-fg-subtle">
          Rule
        </Text>
        <pre className="txt-compact-small mt-1 whitespace-pre-wrap font-mono">{segment.rule_text}</pre>
      </div>
    </Container>
  )
}

function Fact({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <Text size="xsmall" className="text-ui-fg-subtle">
        {label}
      </Text>
      <Text size="small" weight="plus" asChild>
        <div>{value}</div>
      </Text>
    </div>
  )
}

interface Member {
  membership_id: string
  customer_id: string | null
  entered_at: string
  reason: string | null
  customer: CustomerRef | null
}

function Members({ segment }: { segment: Segment }) {
  const [page, setPage] = useState(0)
  const { data, isLoading, isError, error, refetch } = useQuery({
    queryKey: ["personalization", "members", segment.id, page],
    queryFn: () =>
      sdk.client.fetch<{ members: Member[]; count: number }>(`/admin/personalization/segments/${segment.id}/members`, {
        query: { limit: MEMBERS_PAGE, offset: page * MEMBERS_PAGE },
      }),
  })
  const count = data?.count ?? 0
  return (
    <Container className="divide-y p-0">
      <div className="px-6 py-4">
        <Heading level="h2">Members</Heading>
      </div>
      {isLoading ? (
        <LoadingRows label="Loading members…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data?.members.length ? (
        <EmptyState
          title="No members"
          description={segment.status === "active" ? "Nobody matches the rule right now." : "Only active segments have members."}
        />
      ) : (
        <>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Customer</Table.HeaderCell>
                <Table.HeaderCell>Member since</Table.HeaderCell>
                <Table.HeaderCell>Why</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.members.map((m) => (
                <Table.Row key={m.membership_id} data-testid="member-row">
                  <Table.Cell>
                    {m.customer_id ? (
                      <Link to={`/customers/${m.customer_id}`} className="text-ui-fg-interactive hover:underline">
                        {customerName(m.customer) || m.customer_id}
                      </Link>
                    ) : (
                      "anonymous visitor"
                    )}
                  </Table.Cell>
                  <Table.Cell>{formatDate(m.entered_at)}</Table.Cell>
                  <Table.Cell className="max-w-md truncate">{m.reason ?? "—"}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          <Table.Pagination
            count={count}
            pageSize={MEMBERS_PAGE}
            pageIndex={page}
            pageCount={Math.max(1, Math.ceil(count / MEMBERS_PAGE))}
            canPreviousPage={page > 0}
            canNextPage={(page + 1) * MEMBERS_PAGE < count}
            previousPage={() => setPage((p) => Math.max(0, p - 1))}
            nextPage={() => setPage((p) => p + 1)}
          />
        </>
      )}
    </Container>
  )
}

interface AuditEntry {
  id: string
  actor_type: string
  actor_id: string | null
  action: string
  at: string
  details: Record<string, unknown> | null
}

function History({ segment }: { segment: Segment }) {
  const { data, isLoading, isError, error, refetch } = useQuery({
    queryKey: ["personalization", "audit", segment.id, segment.version],
    queryFn: () =>
      sdk.client.fetch<{ entries: AuditEntry[]; count: number }>("/admin/personalization/audit", {
        query: { target_type: "segment", target_id: segment.id, limit: 50 },
      }),
  })
  return (
    <Container className="divide-y p-0">
      <div className="px-6 py-4">
        <Heading level="h2">History</Heading>
      </div>
      {isLoading ? (
        <LoadingRows label="Loading history…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data?.entries.length ? (
        <EmptyState title="No recorded changes" />
      ) : (
        <HistoryList entries={data.entries} />
      )}
    </Container>
  )
}

function describeDetails(e: AuditEntry): string {
  const d = e.details ?? {}
  if (Array.isArray(d.changed)) return `changed ${(d.changed as string[]).join(", ")}${d.version ? ` → version ${d.version}` : ""}`
  if (d.promotion_id) return `gated promotion ${d.promotion_id}`
  if (d.price_list_id) return `gated price list ${d.price_list_id}`
  return ""
}

function HistoryList({ entries }: { entries: AuditEntry[] }) {
  return (
    <ol className="flex flex-col gap-y-2 px-6 py-4" data-testid="segment-history">
      {entries.map((e) => (
        <li key={e.id} className="flex flex-wrap gap-x-2">
          <Text size="small" className="text-ui-fg-subtle">
            {formatDate(e.at)}
          </Text>
          <Text size="small" weight="plus">
            {e.action.replace(/^segment\./, "")}
          </Text>
          <Text size="small">
            by {e.actor_type}
            {e.actor_id ? ` ${e.actor_id}` : ""}
          </Text>
          <Text size="small" className="text-ui-fg-subtle">
            {describeDetails(e)}
          </Text>
        </li>
      ))}
    </ol>
  )
}

export default SegmentDetailPage
