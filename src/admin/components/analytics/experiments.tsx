import { Badge, Button, Container, Drawer, Heading, Input, Label, Select, StatusBadge, Table, Text, toast, usePrompt } from "@medusajs/ui"
import { useQuery, useQueryClient } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { errorMessage, formatDate } from "../../lib/api"
import { sdk } from "../../lib/sdk"
import { usePlacements } from "../placements/api"
import { EmptyState, ErrorState, LoadingRows } from "../states"
import { analyticsApi, analyticsKeys, formatMoney, pct, useExperiment, useExperiments, type Experiment, type Interval } from "./api"
import { useReturnFocus } from "../../lib/focus"

const pp = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${x >= 0 ? "+" : ""}${(x * 100).toFixed(2)} pp`)
const ci = (i: Interval | null | undefined, f: (x: number) => string) => (i ? `[${f(i.lower)}, ${f(i.upper)}]` : "—")
const verdictColor = (code: string): "green" | "red" | "orange" | "grey" =>
  code === "treatment_better" ? "green" : code === "treatment_worse" || code === "sample_ratio_mismatch" ? "red" : code === "not_enough_data" ? "grey" : "orange"

/** Experiments (holdouts on a placement variant or a promotion): list, a results card each, start and stop. */
export function ExperimentsSection() {
  const { data, isLoading, isError, error, refetch } = useExperiments()
  const [creating, setCreating] = useState(false)
  const experiments = data?.experiments ?? []
  return (
    <div className="flex flex-col gap-y-3">
      <Container className="divide-y p-0" data-testid="experiments">
        <div className="flex items-center justify-between px-6 py-4">
          <div>
            <Heading level="h2">Experiments</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              A holdout share of shoppers does not see the target; conversion and revenue per subject are compared
              within the conversion window.
            </Text>
          </div>
          <Button size="small" onClick={() => setCreating(true)}>
            Start experiment
          </Button>
        </div>
        {isLoading ? (
          <LoadingRows label="Loading experiments…" />
        ) : isError ? (
          <ErrorState error={error} onRetry={() => refetch()} />
        ) : experiments.length === 0 ? (
          <EmptyState title="No experiments" description="Start one to measure a placement variant or a segment promotion." />
        ) : null}
      </Container>
      {experiments.map((x) => (
        <ExperimentCard key={x.id} summary={x} />
      ))}
      <CreateExperimentDrawer open={creating} onOpenChange={setCreating} />
    </div>
  )
}

function ExperimentCard({ summary }: { summary: Experiment }) {
  const queryClient = useQueryClient()
  const prompt = usePrompt()
  const { data, isLoading, isError, error, refetch } = useExperiment(summary.id)
  const x = data?.experiment ?? summary
  const r = data?.experiment.results
  const [stopping, setStopping] = useState(false)

  async function stop() {
    const ok = await prompt({
      title: `Stop ${x.name}?`,
      description: "Everyone sees the target again; results stay, and no new subjects are counted.",
      confirmText: "Stop",
      cancelText: "Cancel",
    })
    if (!ok) return
    setStopping(true)
    try {
      const res = await analyticsApi.stopExperiment(x.id)
      queryClient.setQueryData(analyticsKeys.experiment(x.id), res)
      queryClient.invalidateQueries({ queryKey: analyticsKeys.experiments })
      toast.success("Experiment stopped")
    } catch (e) {
      toast.error(errorMessage(e))
    } finally {
      setStopping(false)
    }
  }

  return (
    <Container className="divide-y p-0" data-testid="experiment-card">
      <div className="flex flex-wrap items-center justify-between gap-2 px-6 py-4">
        <div>
          <div className="flex items-center gap-x-2">
            <Heading level="h3">{x.name}</Heading>
            <StatusBadge color={x.status === "running" ? "green" : "grey"}>{x.status}</StatusBadge>
          </div>
          <Text size="small" className="text-ui-fg-subtle">
            {x.target_type === "placement_variant" ? "Placement variant" : "Promotion"} {x.target_id} · {x.holdout_percent}% held
            out · {x.conversion_window_days}-day window · min {x.min_sample} per arm · started {formatDate(x.started_at)}
            {x.ended_at ? ` · stopped ${formatDate(x.ended_at)}` : ""}
          </Text>
        </div>
        {x.status === "running" && (
          <Button size="small" variant="secondary" onClick={stop} isLoading={stopping}>
            Stop
          </Button>
        )}
      </div>
      {isLoading ? (
        <LoadingRows label="Computing results…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : r ? (
        <>
          <div className="flex flex-wrap items-center gap-2 px-6 py-3">
            <Badge color={verdictColor(r.verdict.code)} data-testid="experiment-verdict">
              {r.verdict.code.replace(/_/g, " ")}
            </Badge>
            <Text size="small">{r.verdict.message}</Text>
            {r.srm.mismatch && (
              <Badge color="red" size="2xsmall">
                SRM: arm sizes off the planned split (p = {r.srm.p_value.toExponential(1)})
              </Badge>
            )}
          </div>
          <Table>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell>Arm</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Subjects</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Conversions</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Conversion</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Revenue</Table.HeaderCell>
                <Table.HeaderCell className="text-right">Revenue / subject</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {[r.arms.treatment, r.arms.control].map((a) => (
                <Table.Row key={a.arm}>
                  <Table.Cell>{a.arm === "control" ? "control (held out)" : "treatment"}</Table.Cell>
                  <Table.Cell className="text-right">{a.subjects}</Table.Cell>
                  <Table.Cell className="text-right">{a.conversions}</Table.Cell>
                  <Table.Cell className="text-right">{pct(a.conversion_rate, 2)}</Table.Cell>
                  <Table.Cell className="text-right">{formatMoney(a.revenue, r.currency_code)}</Table.Cell>
                  <Table.Cell className="text-right">{formatMoney(a.revenue_per_subject, r.currency_code)}</Table.Cell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
          <div className="grid grid-cols-1 gap-2 px-6 py-4 md:grid-cols-2">
            <Text size="small">
              Conversion uplift: <strong>{pp(r.conversion.absolute_uplift)}</strong> (95% CI {ci(r.conversion.absolute_ci, pp)}
              {r.conversion.relative_uplift !== null ? `; relative ${pct(r.conversion.relative_uplift)}, CI ${ci(r.conversion.relative_ci, (v) => pct(v))}` : ""})
              {r.conversion.p_value !== null ? ` · p = ${r.conversion.p_value.toFixed(3)}` : ""}
            </Text>
            <Text size="small">
              Revenue per subject difference:{" "}
              <strong>{r.revenue_per_subject.difference === null ? "—" : formatMoney(r.revenue_per_subject.difference.toFixed(2), r.currency_code)}</strong> (95% CI{" "}
              {ci(r.revenue_per_subject.ci, (v) => formatMoney(v.toFixed(2), r.currency_code))})
              {r.revenue_per_subject.p_value !== null ? ` · p = ${r.revenue_per_subject.p_value.toFixed(3)}` : ""}
            </Text>
          </div>
        </>
      ) : null}
    </Container>
  )
}

function CreateExperimentDrawer({ open, onOpenChange }: { open: boolean; onOpenChange: (o: boolean) => void }) {
  const returnFocus = useReturnFocus(open)
  const queryClient = useQueryClient()
  const [name, setName] = useState("")
  const [targetType, setTargetType] = useState<"placement_variant" | "promotion">("placement_variant")
  const [targetId, setTargetId] = useState("")
  const [holdout, setHoldout] = useState("10")
  const [windowDays, setWindowDays] = useState("7")
  const [minSample, setMinSample] = useState("100")
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)
  const placements = usePlacements({ limit: 100, offset: 0 })
  const promotions = useQuery({
    queryKey: ["personalization", "experiment-promotions"],
    queryFn: () => sdk.client.fetch<{ promotions: { id: string; code: string }[] }>("/admin/promotions", { query: { limit: 100, fields: "id,code" } }),
    enabled: open && targetType === "promotion",
  })

  useEffect(() => {
    if (open) {
      setName("")
      setTargetId("")
      setError(null)
    }
  }, [open])

  const int = (v: string) => (/^-?\d+$/.test(v.trim()) ? Number(v) : (v as unknown as number))

  async function submit(e: React.FormEvent) {
    e.preventDefault()
    setSaving(true)
    setError(null)
    try {
      await analyticsApi.createExperiment({
        name,
        target_type: targetType,
        target_id: targetId,
        holdout_percent: int(holdout),
        conversion_window_days: int(windowDays),
        min_sample: int(minSample),
      })
      queryClient.invalidateQueries({ queryKey: analyticsKeys.experiments })
      toast.success("Experiment started")
      onOpenChange(false)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  const variantOptions = (placements.data?.placements ?? []).flatMap((p) =>
    p.variants.map((v) => ({ id: v.id, label: `${p.handle} · ${v.name}${v.segment_id ? "" : " (default)"}` }))
  )
  const options =
    targetType === "placement_variant"
      ? variantOptions
      : (promotions.data?.promotions ?? []).map((p) => ({ id: p.id, label: p.code }))

  return (
    <Drawer open={open} onOpenChange={onOpenChange}>
      <Drawer.Content {...returnFocus}>
        <form onSubmit={submit} className="flex h-full flex-col overflow-hidden" data-testid="experiment-form">
          <Drawer.Header>
            <Drawer.Title>Start experiment</Drawer.Title>
            <Drawer.Description>The split and the target cannot change once started.</Drawer.Description>
          </Drawer.Header>
          <Drawer.Body className="flex flex-col gap-y-3 overflow-y-auto">
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="experiment-name" size="small">
                Name
              </Label>
              <Input id="experiment-name" size="small" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            </div>
            <div className="flex flex-col gap-y-1">
              <Label size="small">Target</Label>
              <Select
                size="small"
                value={targetType}
                onValueChange={(v) => {
                  setTargetType(v as "placement_variant" | "promotion")
                  setTargetId("")
                }}
              >
                <Select.Trigger aria-label="Target type">
                  <Select.Value />
                </Select.Trigger>
                <Select.Content>
                  <Select.Item value="placement_variant">Placement variant</Select.Item>
                  <Select.Item value="promotion">Promotion</Select.Item>
                </Select.Content>
              </Select>
            </div>
            <div className="flex flex-col gap-y-1">
              <Label size="small">{targetType === "placement_variant" ? "Variant" : "Promotion"}</Label>
              {options.length > 0 ? (
                <Select size="small" value={targetId} onValueChange={setTargetId}>
                  <Select.Trigger aria-label="Target">
                    <Select.Value placeholder="Choose…" />
                  </Select.Trigger>
                  <Select.Content>
                    {options.map((o) => (
                      <Select.Item key={o.id} value={o.id}>
                        {o.label}
                      </Select.Item>
                    ))}
                  </Select.Content>
                </Select>
              ) : (
                <Input size="small" aria-label="Target id" placeholder="id" value={targetId} onChange={(e) => setTargetId(e.target.value)} />
              )}
            </div>
            <div className="grid grid-cols-3 gap-3">
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="experiment-holdout" size="small">
                  Held out %
                </Label>
                <Input id="experiment-holdout" size="small" type="number" value={holdout} onChange={(e) => setHoldout(e.target.value)} />
              </div>
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="experiment-window" size="small">
                  Window (days)
                </Label>
                <Input id="experiment-window" size="small" type="number" value={windowDays} onChange={(e) => setWindowDays(e.target.value)} />
              </div>
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="experiment-min" size="small">
                  Min per arm
                </Label>
                <Input id="experiment-min" size="small" type="number" value={minSample} onChange={(e) => setMinSample(e.target.value)} />
              </div>
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
              Start
            </Button>
          </Drawer.Footer>
        </form>
      </Drawer.Content>
    </Drawer>
  )
}
