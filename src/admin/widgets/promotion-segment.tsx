import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminPromotion, DetailWidgetProps } from "@medusajs/framework/types"
import { Button, Container, Heading, Label, Select, StatusBadge, Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { useState } from "react"
import { Link } from "react-router-dom"
import { useGatePromotion } from "../components/gate-promotion"
import { ErrorState, LoadingRows } from "../components/states"
import { statusColor, type Segment } from "../lib/api"
import { sdk } from "../lib/sdk"

const GROUP_ATTRIBUTE = "customer.groups.id"

interface PromotionRule {
  id: string
  attribute: string
  operator: string
  values: { value: string }[] | string[]
}

/** Promotion detail: which segment(s) gate this promotion, their size, and a picker to gate it to one. */
const PromotionSegmentWidget = ({ data: promotion }: DetailWidgetProps<AdminPromotion>) => {
  const rules = useQuery({
    queryKey: ["personalization", "promotion-gate", promotion.id],
    queryFn: () => sdk.client.fetch<{ rules: PromotionRule[] }>(`/admin/promotions/${promotion.id}/rules`),
  })
  const segments = useQuery({
    queryKey: ["personalization", "segments", "for-gating"],
    queryFn: () =>
      sdk.client.fetch<{ segments: Segment[] }>("/admin/personalization/segments", {
        query: { limit: 100, status: ["active", "draft"], order: "name" },
      }),
  })
  const [choice, setChoice] = useState<string>("")
  const gate = useGatePromotion(choice, () => {
    rules.refetch()
    setChoice("")
  })

  const groupIds = new Set(
    (rules.data?.rules ?? [])
      .filter((r) => r.attribute === GROUP_ATTRIBUTE && r.operator === "in")
      .flatMap((r) => r.values.map((v) => (typeof v === "string" ? v : v.value)))
  )
  const all = segments.data?.segments ?? []
  const gating = all.filter((s) => s.customer_group_id && groupIds.has(s.customer_group_id))
  const candidates = all.filter((s) => !gating.includes(s))

  return (
    <Container className="divide-y p-0" data-testid="promotion-segment-widget">
      <div className="px-6 py-4">
        <Heading level="h2">Segment</Heading>
      </div>
      {rules.isLoading || segments.isLoading ? (
        <LoadingRows />
      ) : rules.isError || segments.isError ? (
        <ErrorState error={rules.error ?? segments.error} onRetry={() => (rules.refetch(), segments.refetch())} />
      ) : (
        <>
          <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="promotion-gating">
            {gating.length === 0 ? (
              <Text size="small" className="text-ui-fg-subtle">
                Not gated to a segment: every customer the other rules allow qualifies.
              </Text>
            ) : (
              gating.map((s) => (
                <div key={s.id} className="flex items-center justify-between" data-testid="gating-segment">
                  <Link to={`/segments/${s.id}`} className="txt-compact-small text-ui-fg-interactive hover:underline">
                    {s.name}
                  </Link>
                  <span className="flex items-center gap-x-2">
                    <Text size="xsmall" className="text-ui-fg-subtle">
                      {s.member_count} members
                    </Text>
                    <StatusBadge color={statusColor(s.status)}>{s.status}</StatusBadge>
                  </span>
                </div>
              ))
            )}
          </div>
          <form
            className="flex flex-col gap-y-2 px-6 py-4"
            onSubmit={(e) => {
              e.preventDefault()
              if (choice) gate.mutate(promotion.id)
            }}
          >
            <Label size="small" id="gate-segment-label">
              Gate to a segment
            </Label>
            {candidates.length === 0 ? (
              <Text size="small" className="text-ui-fg-subtle">
                No other segment to gate to.
              </Text>
            ) : (
              <div className="flex items-center gap-x-2">
                <div className="flex-1">
                  <Select size="small" value={choice} onValueChange={setChoice}>
                    <Select.Trigger aria-labelledby="gate-segment-label">
                      <Select.Value placeholder="Choose a segment" />
                    </Select.Trigger>
                    <Select.Content>
                      {candidates.map((s) => (
                        <Select.Item key={s.id} value={s.id}>
                          {s.name} ({s.member_count})
                        </Select.Item>
                      ))}
                    </Select.Content>
                  </Select>
                </div>
                <Button size="small" type="submit" variant="secondary" disabled={!choice} isLoading={gate.isPending}>
                  Gate
                </Button>
              </div>
            )}
          </form>
        </>
      )}
    </Container>
  )
}

export const config = defineWidgetConfig({ zone: "promotion.details.side.after" })

export default PromotionSegmentWidget
