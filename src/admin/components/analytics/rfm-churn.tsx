import { Badge, Button, Container, Heading, Table, Text, toast } from "@medusajs/ui"
import { useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts"
import { errorMessage, formatDate } from "../../lib/api"
import { EmptyState, ErrorState, LoadingRows } from "../states"
import { analyticsApi, analyticsKeys, pct, useChurn, useRfm } from "./api"

/** Customers per RFM group with the cut-offs in force, and the R/F/M score histograms. */
export function RfmCard() {
  const { data, isLoading, isError, error, refetch } = useRfm()
  const rfm = data?.rfm
  const histogram = rfm ? [1, 2, 3, 4, 5].map((score) => ({ score: String(score), R: rfm.scores.r[score - 1], F: rfm.scores.f[score - 1], M: rfm.scores.m[score - 1] })) : []
  return (
    <Container className="divide-y p-0" data-testid="rfm-card">
      <div className="px-6 py-4">
        <Heading level="h2">RFM distribution</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          {rfm
            ? `${rfm.scored} of ${rfm.customers_with_orders} customers with orders scored · computed ${formatDate(rfm.computed_at)}`
            : "Recency, frequency and monetary scores (1–5) and the groups they form."}
        </Text>
      </div>
      {isLoading ? (
        <LoadingRows label="Loading RFM…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !rfm || rfm.scored === 0 ? (
        <EmptyState title="No RFM scores yet" description="Scores are computed daily for customers with at least one order." />
      ) : (
        <>
          <div className="grid grid-cols-1 gap-4 px-6 py-4 lg:grid-cols-2">
            <div className="h-56 w-full">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={rfm.groups.map((g) => ({ name: g.label, customers: g.count }))} layout="vertical" margin={{ left: 24 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis type="number" allowDecimals={false} tick={{ fontSize: 11 }} />
                  <YAxis type="category" dataKey="name" width={120} tick={{ fontSize: 11 }} />
                  <Tooltip />
                  <Bar dataKey="customers" fill="#6366f1" />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <div className="h-56 w-full">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={histogram}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="score" tick={{ fontSize: 11 }} />
                  <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
                  <Tooltip />
                  <Legend />
                  <Bar dataKey="R" fill="#22c55e" />
                  <Bar dataKey="F" fill="#06b6d4" />
                  <Bar dataKey="M" fill="#f59e0b" />
                </BarChart>
              </ResponsiveContainer>
            </div>
          </div>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Group</Table.HeaderCell>
                <Table.HeaderCell>R score</Table.HeaderCell>
                <Table.HeaderCell>FM score</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Customers</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Share</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {rfm.groups.map((g) => (
                <Table.Row key={g.id} data-testid="rfm-row">
                  <Table.Cell>
                    {g.label} <span className="text-ui-fg-muted txt-compact-xsmall">{g.id}</span>
                  </Table.Cell>
                  <Table.Cell>
                    {g.r[0]}–{g.r[1]}
                  </Table.Cell>
                  <Table.Cell>
                    {g.fm[0]}–{g.fm[1]}
                  </Table.Cell>
                  <Table.Cell className="text-right">{g.count}</Table.Cell>
                  <Table.Cell className="text-right">{pct(g.share)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          {rfm.unconfigured.length > 0 && (
            <Text size="small" className="px-6 py-2 text-ui-fg-subtle">
              Profiles in groups no longer configured: {rfm.unconfigured.map((u) => `${u.id} (${u.count})`).join(", ")}
            </Text>
          )}
          <Text size="xsmall" className="px-6 py-3 text-ui-fg-subtle">
            {rfm.method}
          </Text>
        </>
      )}
    </Container>
  )
}

/** The churn model: latest run, its AUC and training time, or the honest reason it could not train; Train now. */
export function ChurnCard() {
  const queryClient = useQueryClient()
  const { data, isLoading, isError, error, refetch } = useChurn()
  const [training, setTraining] = useState(false)
  const churn = data?.churn

  async function train() {
    setTraining(true)
    try {
      const res = await analyticsApi.trainChurn()
      queryClient.setQueryData(analyticsKeys.churn, { churn: res.churn })
      const run = res.churn.latest
      if (run?.status === "trained") toast.success(`Churn model trained (AUC ${run.auc?.toFixed(3) ?? "—"})`)
      else toast.info(`Not trained: ${run?.note ?? "not enough history"}`)
    } catch (e) {
      toast.error(errorMessage(e))
    } finally {
      setTraining(false)
    }
  }

  const latest = churn?.latest
  const trained = churn?.latest_trained
  return (
    <Container className="divide-y p-0" data-testid="churn-card">
      <div className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h2">Churn model</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Logistic regression on order history; scores every customer's churn_risk (0–1).
          </Text>
        </div>
        <Button size="small" variant="secondary" onClick={train} isLoading={training}>
          Train now
        </Button>
      </div>
      {isLoading ? (
        <LoadingRows label="Loading model…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !latest ? (
        <EmptyState title="Never trained" description="The weekly job trains it; or press Train now." />
      ) : (
        <div className="flex flex-col gap-y-2 px-6 py-4">
          <div className="flex items-center gap-x-2">
            <Text size="small" weight="plus">
              Latest run
            </Text>
            <Badge size="2xsmall" color={latest.status === "trained" ? "green" : "orange"} data-testid="churn-status">
              {latest.status === "trained" ? "trained" : "not enough history"}
            </Badge>
            <Text size="small" className="text-ui-fg-subtle">
              {formatDate(latest.trained_at)}
            </Text>
          </div>
          {latest.status === "trained" ? (
            <Text size="small">
              AUC on the holdout: <strong>{latest.auc === null ? "—" : latest.auc.toFixed(3)}</strong> · trained on{" "}
              {latest.train_size ?? "—"} customers, tested on {latest.holdout_size ?? "—"} · horizon {latest.horizon_days ?? churn!.settings.horizon_days} days
            </Text>
          ) : (
            <Text size="small" className="text-ui-fg-subtle">
              {latest.note ?? "Not enough order history to train a model."} (needs at least {churn!.settings.min_customers} customers
              and {churn!.settings.min_per_class} in each class). churn_risk stays empty until then.
            </Text>
          )}
          {trained && trained.id !== latest.id && (
            <Text size="small" className="text-ui-fg-subtle">
              Scores still come from the model trained {formatDate(trained.trained_at)} (AUC {trained.auc?.toFixed(3) ?? "—"}).
            </Text>
          )}
          <Text size="small" className="text-ui-fg-subtle">
            Profiles with a churn risk: {churn!.scored_profiles}
          </Text>
        </div>
      )}
    </Container>
  )
}
