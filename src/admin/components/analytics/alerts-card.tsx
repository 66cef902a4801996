import { Badge, Button, Container, Heading, Table, Text, toast } from "@medusajs/ui"
import { useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import { Link } from "react-router-dom"
import { errorMessage } from "../../lib/api"
import { EmptyState, ErrorState, LoadingRows } from "../states"
import { analyticsApi, analyticsKeys, pct, useOpenAlerts, type Alert } from "./api"

const show = (a: Alert, v: number) => (a.metric === "conversion" ? pct(v) : String(Math.round(v * 100) / 100))

/** Open drift alerts (a day's size or conversion outside the control limits), with Acknowledge. */
export function AlertsCard() {
  const queryClient = useQueryClient()
  const { data, isLoading, isError, error, refetch } = useOpenAlerts()
  const [busy, setBusy] = useState<string | null>(null)
  const alerts = data?.alerts ?? []

  async function acknowledge(id: string) {
    setBusy(id)
    try {
      await analyticsApi.acknowledge(id)
      await queryClient.invalidateQueries({ queryKey: analyticsKeys.alerts })
      toast.success("Alert acknowledged")
    } catch (e) {
      toast.error(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  return (
    <Container className="divide-y p-0" data-testid="alerts-card">
      <div className="px-6 py-4">
        <Heading level="h2">Open drift alerts{data ? ` (${data.count})` : ""}</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          A segment's daily size or conversion outside its control limits (mean ± 3σ of the preceding days).
        </Text>
      </div>
      {isLoading ? (
        <LoadingRows label="Loading alerts…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : alerts.length === 0 ? (
        <EmptyState title="No open alerts" description="Every segment stayed within its control limits." />
      ) : (
        <Table>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Day</Table.HeaderCell>
              <Table.HeaderCell>Segment</Table.HeaderCell>
              <Table.HeaderCell>Metric</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Value</Table.HeaderCell>
              <Table.HeaderCell className="text-right">Expected range</Table.HeaderCell>
              <Table.HeaderCell />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {alerts.map((a) => (
              <Table.Row key={a.id} data-testid="alert-row">
                <Table.Cell>{a.day}</Table.Cell>
                <Table.Cell>
                  <Link to={`/segments/${a.segment_id}`} className="text-ui-fg-interactive hover:underline">
                    {a.segment_name ?? a.segment_handle ?? a.segment_id}
                  </Link>
                </Table.Cell>
                <Table.Cell>
                  <Badge size="2xsmall" color={a.direction === "above" ? "blue" : "orange"}>
                    {a.metric} {a.direction}
                  </Badge>
                </Table.Cell>
                <Table.Cell className="text-right">{show(a, a.value)}</Table.Cell>
                <Table.Cell className="text-right">
                  {show(a, a.lower)} – {show(a, a.upper)}
                </Table.Cell>
                <Table.Cell className="text-right">
                  <Button size="small" variant="secondary" isLoading={busy === a.id} onClick={() => acknowledge(a.id)}>
                    Acknowledge
                  </Button>
                </Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </Container>
  )
}
