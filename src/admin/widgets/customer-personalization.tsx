import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { AdminCustomer, DetailWidgetProps } from "@medusajs/framework/types"
import { Badge, Button, Container, Drawer, Heading, StatusBadge, Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { useState } from "react"
import { Link } from "react-router-dom"
import type { Trace } from "../../core/rules/evaluate"
import { ExplainTrace } from "../components/explain-trace"
import { ErrorState, LoadingRows } from "../components/states"
import { errorMessage, formatDate, useCatalog } from "../lib/api"
import { sdk } from "../lib/sdk"

interface Stay {
  membership_id: string
  segment: { id: string; handle: string | null; name: string | null; status: string | null }
  entered_at: string
  reason: string | null
}

interface Profile {
  id: string
  orders_count?: number | null
  total_spent?: number | string | null
  aov?: number | string | null
  last_order_at?: string | null
  rfm_r?: number | null
  rfm_f?: number | null
  rfm_m?: number | null
  rfm_group?: string | null
  churn_risk?: number | null
  consent?: Record<string, { status?: string | null; recorded_at?: string | null }> | null
}

/** Customer detail: the customer's segments (with an explain drawer), consent per purpose, key traits. */
const CustomerPersonalizationWidget = ({ data: customer }: DetailWidgetProps<AdminCustomer>) => {
  return (
    <Container className="divide-y p-0" data-testid="personalization-widget">
      <div className="px-6 py-4">
        <Heading level="h2">Personalization</Heading>
      </div>
      <Segments customerId={customer.id} />
      <ProfileFacts customerId={customer.id} />
    </Container>
  )
}

function Segments({ customerId }: { customerId: string }) {
  const { data, isLoading, isError, error, refetch } = useQuery({
    queryKey: ["personalization", "customer-segments", customerId],
    queryFn: () =>
      sdk.client.fetch<{ current: Stay[] }>(`/admin/personalization/customers/${customerId}/segments`, {
        query: { history: "open", limit: 1 },
      }),
  })
  return (
    <div className="flex flex-col gap-y-2 px-6 py-4">
      <Text size="small" weight="plus">
        Segments
      </Text>
      {isLoading ? (
        <LoadingRows label="Loading segments…" />
      ) : isError ? (
        <ErrorState error={error} onRetry={() => refetch()} />
      ) : !data?.current.length ? (
        <Text size="small" className="text-ui-fg-subtle">
          Not in any segment.
        </Text>
      ) : (
        <ul className="flex flex-col gap-y-2">
          {data.current.map((s) => (
            <li key={s.membership_id} className="flex items-center justify-between gap-x-2" data-testid="customer-segment">
              <div className="min-w-0">
                <Link to={`/segments/${s.segment.id}`} className="txt-compact-small text-ui-fg-interactive hover:underline">
                  {s.segment.name ?? s.segment.handle ?? s.segment.id}
                </Link>
                <Text size="xsmall" className="text-ui-fg-subtle">
                  since {formatDate(s.entered_at)}
                </Text>
              </div>
              <ExplainDrawer segmentId={s.segment.id} segmentName={s.segment.name ?? s.segment.handle ?? ""} customerId={customerId} />
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

interface Explanation {
  match: boolean
  trace: Trace
  consent: { required: boolean; purpose: string; status: string | null; satisfied: boolean }
  member: boolean
  should_be_member: boolean
  in_sync: boolean
  evaluated_at: string
}

function ExplainDrawer({ segmentId, segmentName, customerId }: { segmentId: string; segmentName: string; customerId: string }) {
  const [open, setOpen] = useState(false)
  const { data, isLoading, isError, error } = useQuery({
    queryKey: ["personalization", "explain", segmentId, customerId],
    queryFn: () =>
      sdk.client.fetch<{ explanation: Explanation }>(`/admin/personalization/segments/${segmentId}/explain/${customerId}`),
    enabled: open,
  })
  const e = data?.explanation
  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Drawer.Trigger asChild>
        <Button size="small" variant="transparent" aria-label={`Explain membership of ${segmentName}`} data-testid="explain-button">
          Explain
        </Button>
      </Drawer.Trigger>
      <Drawer.Content>
        <Drawer.Header>
          <Drawer.Title>Why this customer is in “{segmentName}”</Drawer.Title>
          <Drawer.Description>The rule evaluated now, condition by condition, with this customer's values.</Drawer.Description>
        </Drawer.Header>
        <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto" data-testid="explain-drawer">
          {isLoading ? (
            <Text size="small">Evaluating…</Text>
          ) : isError ? (
            <Text size="small" className="text-ui-fg-error" role="alert">
              {errorMessage(error)}
            </Text>
          ) : e ? (
            <>
              <div className="flex flex-wrap items-center gap-2">
                <Badge color={e.match ? "green" : "red"}>{e.match ? "rule matches" : "rule does not match"}</Badge>
                <Badge color={e.consent.satisfied ? "green" : "orange"}>
                  consent {e.consent.purpose}: {e.consent.required ? e.consent.status ?? "not given" : "not required"}
                </Badge>
                {!e.in_sync && <Badge color="orange">membership not yet updated</Badge>}
              </div>
              <ExplainTrace trace={e.trace} />
              <Text size="xsmall" className="text-ui-fg-subtle">
                Evaluated at {formatDate(e.evaluated_at)}
              </Text>
            </>
          ) : null}
        </Drawer.Body>
        <Drawer.Footer>
          <Drawer.Close asChild>
            <Button size="small" variant="secondary">
              Close
            </Button>
          </Drawer.Close>
        </Drawer.Footer>
      </Drawer.Content>
    </Drawer>
  )
}

function ProfileFacts({ customerId }: { customerId: string }) {
  const catalog = useCatalog()
  const { data, isLoading, isError, error, refetch } = useQuery({
    queryKey: ["personalization", "customer-profile-link", customerId],
    // The read-only link customer → personalization_profile: no export, just the stored traits and consent.
    queryFn: () =>
      sdk.client.fetch<{ customer: { personalization_profile?: Profile | null } }>(`/admin/customers/${customerId}`, {
        query: { fields: "id,*personalization_profile" },
      }),
  })
  const profile = data?.customer.personalization_profile ?? null
  const purposes = catalog.data?.consent.purposes ?? Object.keys(profile?.consent ?? {})
  return (
    <>
      <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="customer-consent">
        <Text size="small" weight="plus">
          Consent
        </Text>
        {isLoading ? (
          <LoadingRows />
        ) : isError ? (
          <ErrorState error={error} onRetry={() => refetch()} />
        ) : (
          <ul className="flex flex-col gap-y-1">
            {purposes.map((p) => {
              const c = profile?.consent?.[p]
              return (
                <li key={p} className="flex items-center justify-between">
                  <Text size="small">{p}</Text>
                  <span className="flex items-center gap-x-2">
                    <StatusBadge color={c?.status === "granted" ? "green" : c?.status ? "red" : "grey"}>{c?.status ?? "not asked"}</StatusBadge>
                    <Text size="xsmall" className="text-ui-fg-subtle">
                      {c?.recorded_at ? formatDate(c.recorded_at) : ""}
                    </Text>
                  </span>
                </li>
              )
            })}
          </ul>
        )}
      </div>
      {!isLoading && !isError && (
        <div className="grid grid-cols-2 gap-2 px-6 py-4" data-testid="customer-traits">
          <Trait label="Orders" value={profile?.orders_count} />
          <Trait label="Total spent" value={profile?.total_spent} />
          <Trait label="Average order" value={profile?.aov} />
          <Trait label="Last order" value={profile?.last_order_at ? formatDate(profile.last_order_at) : null} />
          <Trait
            label="RFM"
            value={profile?.rfm_r != null ? `${profile.rfm_r}-${profile.rfm_f}-${profile.rfm_m}${profile.rfm_group ? ` (${profile.rfm_group})` : ""}` : null}
          />
          <Trait label="Churn risk" value={profile?.churn_risk != null ? `${Math.round(profile.churn_risk * 100)} %` : null} />
        </div>
      )}
    </>
  )
}

function Trait({ label, value }: { label: string; value: unknown }) {
  return (
    <div>
      <Text size="xsmall" className="text-ui-fg-subtle">
        {label}
      </Text>
      <Text size="small">{value === null || value === undefined || value === "" ? "—" : String(value)}</Text>
    </div>
  )
}

export const config = defineWidgetConfig({ zone: "customer.details.side.after" })

export default CustomerPersonalizationWidget
