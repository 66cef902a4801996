import { Badge, Container, Heading, Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { Link } from "react-router-dom"
import { sdk } from "../lib/sdk"
import { errorMessage } from "../lib/api"
import type { Rule } from "../../core/rules/ast"

/** One sample row of the preview: a customer, or an anonymous visitor profile (customer_id null). */
export interface SampleRow {
  profile_id: string
  customer_id: string | null
  email: string | null
  first_name: string | null
  last_name: string | null
}

/** What POST /admin/personalization/segments/preview answers. */
export interface Preview {
  count: number
  rule_text: string
  sample: SampleRow[]
  /** Only when previewing against an existing segment (segment_id). */
  entering?: { count: number; sample: SampleRow[] }
  exiting?: { count: number; sample: SampleRow[] }
  promotions: { id: string; code: string | null }[]
  price_lists: { id: string; title: string | null }[]
}

export function usePreview(input: { rule: Rule | null; purpose: string; segmentId?: string }) {
  // Debounced: the preview is asked for 500 ms after the rule stops changing.
  const key = input.rule ? JSON.stringify([input.rule, input.purpose, input.segmentId ?? null]) : null
  const [debounced, setDebounced] = useState<string | null>(key)
  useEffect(() => {
    const t = setTimeout(() => setDebounced(key), 500)
    return () => clearTimeout(t)
  }, [key])
  return useQuery({
    queryKey: ["personalization", "preview", debounced],
    enabled: !!debounced,
    queryFn: async () => {
      const [rule, purpose, segmentId] = JSON.parse(debounced!) as [Rule, string, string | null]
      const body: Record<string, unknown> = { rule, purpose, sample_size: 8 }
      if (segmentId) body.segment_id = segmentId
      return sdk.client.fetch<Preview>("/admin/personalization/segments/preview", { method: "POST", body })
    },
    retry: false,
    staleTime: 10_000,
  })
}

function Sample({ rows }: { rows?: SampleRow[] }) {
  if (!rows?.length) return null
  return (
    <ul className="flex flex-col gap-y-1" data-testid="preview-sample">
      {rows.map((r) => (
        <li key={r.profile_id}>
          {r.customer_id ? (
            <Link to={`/customers/${r.customer_id}`} className="txt-compact-small block truncate text-ui-fg-interactive hover:underline" title={r.email ?? undefined}>
              {[r.first_name, r.last_name].filter(Boolean).join(" ") || r.email || r.customer_id}
            </Link>
          ) : (
            <Text size="small" className="text-ui-fg-subtle">
              anonymous visitor
            </Text>
          )}
        </li>
      ))}
    </ul>
  )
}

export function PreviewPanel({
  preview,
  editing,
  invalid,
}: {
  preview: ReturnType<typeof usePreview>
  editing: boolean
  invalid: boolean
}) {
  const p = preview.data
  return (
    <Container className="flex flex-col gap-y-3 p-4" aria-live="polite" data-testid="preview-panel">
      <Heading level="h2">Live preview</Heading>
      {invalid ? (
        <Text size="small" className="text-ui-fg-subtle">
          Fix the rule to see who matches.
        </Text>
      ) : preview.isError ? (
        <Text size="small" className="text-ui-fg-error" role="alert">
          {errorMessage(preview.error)}
        </Text>
      ) : !p ? (
        <Text size="small" className="text-ui-fg-subtle">
          Calculating…
        </Text>
      ) : (
        <>
          <div>
            <Text size="xsmall" className="text-ui-fg-subtle">
              Matching customers now{preview.isFetching ? " (updating…)" : ""}
            </Text>
            <Text size="xlarge" weight="plus" data-testid="preview-count">
              {p.count}
            </Text>
          </div>
          <Sample rows={p.sample} />
          {editing && p.entering && p.exiting && (
            <div className="flex flex-col gap-y-2">
              <Text size="small">
                <Badge size="2xsmall" color="green">
                  +{p.entering.count}
                </Badge>{" "}
                would enter
              </Text>
              <Sample rows={p.entering.sample} />
              <Text size="small">
                <Badge size="2xsmall" color="red">
                  −{p.exiting.count}
                </Badge>{" "}
                would leave
              </Text>
              <Sample rows={p.exiting.sample} />
            </div>
          )}
          {editing && (
            <div>
              <Text size="xsmall" className="text-ui-fg-subtle">
                Gated to this segment
              </Text>
              {!p.promotions.length && !p.price_lists.length ? (
                <Text size="small">No promotion or price list</Text>
              ) : (
                <ul>
                  {p.promotions.map((x) => (
                    <li key={x.id}>
                      <Link to={`/promotions/${x.id}`} className="txt-compact-small text-ui-fg-interactive hover:underline">
                        Promotion {x.code ?? x.id}
                      </Link>
                    </li>
                  ))}
                  {p.price_lists.map((x) => (
                    <li key={x.id}>
                      <Link to={`/price-lists/${x.id}`} className="txt-compact-small text-ui-fg-interactive hover:underline">
                        Price list {x.title ?? x.id}
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </>
      )}
    </Container>
  )
}
