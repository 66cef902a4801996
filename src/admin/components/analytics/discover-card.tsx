import { Button, Code, Container, Drawer, Heading, Input, Label, Select, Table, Text, toast } from "@medusajs/ui"
import { useQueryClient } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { useNavigate } from "react-router-dom"
import { errorMessage, keys } from "../../lib/api"
import { EmptyState, ErrorState } from "../states"
import { analyticsApi, pct, useDiscovery, type DiscoveredCluster } from "./api"
import { useReturnFocus } from "../../lib/focus"

const AUTO = "auto"

/**
 * k-means suggestions over the customers' RFM (GET /admin/personalization/discover): per cluster its size,
 * description and rule, and "Create segment from cluster" (POST …/discover/segments { cluster, k, handle }).
 * Computed on demand (it clusters every customer with orders).
 */
export function DiscoverCard() {
  const [k, setK] = useState<string>(AUTO)
  const [asked, setAsked] = useState(false)
  const kNum = k === AUTO ? null : Number(k)
  const { data, isLoading, isFetching, isError, error, refetch } = useDiscovery(kNum, asked)
  const [cluster, setCluster] = useState<DiscoveredCluster | null>(null)
  const d = data?.discovery

  return (
    <Container className="divide-y p-0" data-testid="discover-card">
      <div className="flex flex-wrap items-center justify-between gap-2 px-6 py-4">
        <div>
          <Heading level="h2">Discover segments</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Clusters of customers by recency, orders and spend (k-means; k chosen by silhouette unless you pick one).
          </Text>
        </div>
        <div className="flex items-center gap-x-2">
          <div className="w-28">
            <Select size="small" value={k} onValueChange={setK}>
              <Select.Trigger aria-label="Number of clusters">
                <Select.Value />
              </Select.Trigger>
              <Select.Content>
                <Select.Item value={AUTO}>k: auto</Select.Item>
                {[2, 3, 4, 5, 6, 7, 8].map((n) => (
                  <Select.Item key={n} value={String(n)}>
                    k = {n}
                  </Select.Item>
                ))}
              </Select.Content>
            </Select>
          </div>
          <Button size="small" variant="secondary" isLoading={isFetching} onClick={() => (asked ? refetch() : setAsked(true))}>
            {asked ? "Recompute" : "Discover"}
          </Button>
        </div>
      </div>
      {!asked ? null : isLoading ? (
        <Text size="small" className="px-6 py-4 text-ui-fg-subtle" role="status">
          Clustering customers…
        </Text>
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !d || d.k === null ? (
        <EmptyState title="No clusters" description={d?.reason ?? "Not enough customers with orders."} />
      ) : (
        <>
          <Text size="small" className="px-6 py-3 text-ui-fg-subtle">
            {d.customers} customers · k = {d.k} · silhouette {d.silhouette?.toFixed(2) ?? "—"} · as of {d.as_of.slice(0, 10)}
          </Text>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>#</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Size</Table.HeaderCell>
                <Table.HeaderCell>Description</Table.HeaderCell>
                <Table.HeaderCell>Rule</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Rule precision / recall</Table.HeaderCell>
                <Table.HeaderCell />
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {d.clusters.map((c) => (
                <Table.Row key={c.index} data-testid="cluster-row">
                  <Table.Cell>{c.index}</Table.Cell>
                  <Table.Cell className="text-right">
                    {c.size} <span className="text-ui-fg-muted">({pct(c.share)})</span>
                  </Table.Cell>
                  <Table.Cell>{c.description}</Table.Cell>
                  <Table.Cell>
                    <Code className="whitespace-pre-wrap">{c.rule_text}</Code>
                  </Table.Cell>
                  <Table.Cell className="text-right">
                    {pct(c.rule_precision)} / {pct(c.rule_recall)}
                  </Table.Cell>
                  <Table.Cell className="text-right">
                    <Button size="small" variant="secondary" onClick={() => setCluster(c)}>
                      Create segment from cluster
                    </Button>
                  </Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </>
      )}
      <CreateFromClusterDrawer cluster={cluster} k={d?.k ?? null} onClose={() => setCluster(null)} />
    </Container>
  )
}

function CreateFromClusterDrawer({ cluster, k, onClose }: { cluster: DiscoveredCluster | null; k: number | null; onClose: () => void }) {
  const returnFocus = useReturnFocus(!!cluster)
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [handle, setHandle] = useState("")
  const [name, setName] = useState("")
  const [status, setStatus] = useState<"draft" | "active">("draft")
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    if (cluster) {
      setHandle(cluster.suggested.handle)
      setName(cluster.suggested.name)
      setStatus("draft")
      setError(null)
    }
  }, [cluster])

  async function submit(e: React.FormEvent) {
    e.preventDefault()
    if (!cluster) return
    setSaving(true)
    setError(null)
    try {
      const { segment } = await analyticsApi.createFromCluster({ cluster: cluster.index, k: k ?? undefined, handle, name, status })
      queryClient.invalidateQueries({ queryKey: keys.segments })
      toast.success(`Segment ${segment.name} created`)
      onClose()
      navigate(`/segments/${segment.id}`)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  return (
    <Drawer open={!!cluster} onOpenChange={(o) => (o ? undefined : onClose())}>
      <Drawer.Content {...returnFocus}>
        <form onSubmit={submit} className="flex h-full flex-col overflow-hidden">
          <Drawer.Header>
            <Drawer.Title>Create segment from cluster {cluster?.index}</Drawer.Title>
            <Drawer.Description>{cluster?.description}</Drawer.Description>
          </Drawer.Header>
          <Drawer.Body className="flex flex-col gap-y-3 overflow-y-auto">
            <Code className="whitespace-pre-wrap">{cluster?.rule_text}</Code>
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="cluster-handle" size="small">
                Handle
              </Label>
              <Input id="cluster-handle" size="small" value={handle} onChange={(e) => setHandle(e.target.value)} autoFocus />
            </div>
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="cluster-name" size="small">
                Name
              </Label>
              <Input id="cluster-name" size="small" value={name} onChange={(e) => setName(e.target.value)} />
            </div>
            <div className="flex flex-col gap-y-1">
              <Label size="small">Status</Label>
              <Select size="small" value={status} onValueChange={(v) => setStatus(v as "draft" | "active")}>
                <Select.Trigger aria-label="Status">
                  <Select.Value />
                </Select.Trigger>
                <Select.Content>
                  <Select.Item value="draft">Draft</Select.Item>
                  <Select.Item value="active">Active (backfills members now)</Select.Item>
                </Select.Content>
              </Select>
            </div>
            {error && (
              <Text size="small" className="text-ui-fg-error" role="alert">
                {error}
              </Text>
            )}
          </Drawer.Body>
          <Drawer.Footer>
            <Drawer.Close asChild>
              <Button size="small" variant="secondary" type="button">
                Cancel
              </Button>
            </Drawer.Close>
            <Button size="small" type="submit" isLoading={saving}>
              Create segment
            </Button>
          </Drawer.Footer>
        </form>
      </Drawer.Content>
    </Drawer>
  )
}
