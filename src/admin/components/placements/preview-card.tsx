import { Badge, Button, Container, Heading, Input, Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { Link } from "react-router-dom"
import { sdk } from "../../lib/sdk"
import { customerName, errorMessage, type CustomerRef } from "../../lib/api"
import { describeSource, placementApi, type Placement } from "./api"

/**
 * "What would this customer see?": pick a customer, ask GET …/placements/:id/preview (read-only: same ranking and
 * experiment arms as the storefront, no exposure logged) and show the variant and why.
 */
export function PlacementPreviewCard({ placement }: { placement: Placement }) {
  const [search, setSearch] = useState("")
  const [q, setQ] = useState("")
  const [customer, setCustomer] = useState<CustomerRef | null>(null)

  useEffect(() => {
    const t = setTimeout(() => setQ(search.trim()), 300)
    return () => clearTimeout(t)
  }, [search])

  const customers = useQuery({
    queryKey: ["personalization", "placement-preview-customers", q],
    queryFn: () =>
      sdk.client.fetch<{ customers: CustomerRef[] }>("/admin/customers", {
        query: { q, limit: 6, fields: "id,email,first_name,last_name" },
      }),
    enabled: q.length > 0,
  })

  const preview = useQuery({
    queryKey: ["personalization", "placement-preview", placement.id, placement.updated_at, placement.variants.length, customer?.id],
    queryFn: () => placementApi.preview(placement.id, customer!.id),
    enabled: !!customer,
  })
  const p = preview.data?.preview
  const segmentName = (id: string | null) =>
    id === null ? "default" : p?.segments.find((s) => s.id === id)?.name ?? id

  return (
    <Container className="divide-y p-0" data-testid="placement-preview">
      <div className="px-6 py-4">
        <Heading level="h2">Preview for a customer</Heading>
        <Text size="small" className="text-ui-fg-subtle">
          Which variant this customer would be served now (their segments, consent and experiment arm). Nothing is
          logged.
        </Text>
      </div>
      <div className="flex flex-col gap-y-2 px-6 py-4">
        <Input
          type="search"
          size="small"
          placeholder="Search customers by email or name"
          aria-label="Search customers to preview"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        {customers.isError && (
          <Text size="small" className="text-ui-fg-error" role="alert">
            {errorMessage(customers.error)}
          </Text>
        )}
        {q && customers.data && customers.data.customers.length === 0 && (
          <Text size="small" className="text-ui-fg-subtle">
            No customer matches.
          </Text>
        )}
        <div className="flex flex-wrap gap-2">
          {(customers.data?.customers ?? []).map((c) => (
            <Button
              key={c.id}
              size="small"
              variant={customer?.id === c.id ? "primary" : "secondary"}
              onClick={() => setCustomer(c)}
              type="button"
            >
              {customerName(c)}
            </Button>
          ))}
        </div>
      </div>
      {customer && (
        <div className="flex flex-col gap-y-2 px-6 py-4" aria-live="polite">
          {preview.isLoading ? (
            <Text size="small" className="text-ui-fg-subtle">
              Resolving…
            </Text>
          ) : preview.isError ? (
            <Text size="small" className="text-ui-fg-error" role="alert">
              {errorMessage(preview.error)}
            </Text>
          ) : p ? (
            <>
              <Text size="small">
                <Link to={`/customers/${p.customer.id}`} className="text-ui-fg-interactive hover:underline">
                  {customerName(p.customer)}
                </Link>{" "}
                sees{" "}
                {p.variant ? (
                  <>
                    <strong data-testid="preview-variant">{p.variant.name}</strong>{" "}
                    <Badge size="2xsmall" color={p.variant.targeted ? "blue" : "grey"}>
                      {p.variant.targeted ? `segment: ${segmentName(p.variant.segment_id)}` : "default"}
                    </Badge>
                  </>
                ) : (
                  <strong data-testid="preview-variant">nothing (no variant applies and there is no default)</strong>
                )}
              </Text>
              {p.variant && (
                <Text size="small" className="text-ui-fg-subtle">
                  {p.variant.content.title ? `“${p.variant.content.title}” · ` : ""}
                  {describeSource(p.variant.content)}
                </Text>
              )}
              {p.reason && (
                <Text size="small" className="text-ui-fg-subtle">
                  {p.reason}
                </Text>
              )}
              <Text size="small" className="text-ui-fg-subtle">
                Segments: {p.segments.length ? p.segments.map((s) => s.name).join(", ") : "none"}
              </Text>
              {p.candidates.length > 0 && (
                <ol className="txt-compact-small list-decimal pl-5 text-ui-fg-subtle">
                  {p.candidates.map((c) => (
                    <li key={c.id}>
                      {c.name} ({segmentName(c.segment_id)}, priority {c.priority})
                      {c.experiments.map((x) => (
                        <span key={x.experiment_id}>
                          {" "}
                          · experiment {x.experiment_id}: {x.arm}
                        </span>
                      ))}
                      {c.held_out ? " — held out (control arm), skipped" : ""}
                    </li>
                  ))}
                </ol>
              )}
            </>
          ) : null}
        </div>
      )}
    </Container>
  )
}
