import { Badge, Container, Heading, Text } from "@medusajs/ui"
import { useQuery } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { Link } from "react-router-dom"
import { sdk } from "../lib/sdk"
import { customerName, errorMessage, type CustomerRef } from "../lib/api"
import type { Rule } from "../../core/rules/ast"

/** What POST /admin/personalization/segments/preview answers (fields are read defensively). */
export interface Preview {
  count: number
  sample?: CustomerRef[]
  entering?: { count: number; sample?: CustomerRef[] } | null
  exiting?: { count: number; sample?: CustomerRef[] } | null
  gated?: {
    promotions?: { id: string; code?: string | null; status?: string | null }[]
    price_lists?: { id: string; title?: string | null; status?: string | null }[]
  } | null
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
      const body: Record<string, unknown> = { rule, purpose }
      if (segmentId) body.segment_id = segmentId
      const res = await sdk.client.fetch<{ preview: Preview }>("/admin/personalization/segments/preview", { method: "POST", body })
      return res.preview
    },
    retry: false,
    staleTime: 10_000,
  })
}

function Sample({ customers }: { customers?: CustomerRef[] }) {
  if (!customers?.length) return null
  return (
    <ul className="flex flex-col gap-y-1">
      {customers.map((c) => (
        <li key={c.id}>
          <Link to={`/customers/${c.id}`} className="txt-compact-small text-ui-fg-interactive hover:underline">
            {customerName(c)}
          </Link>
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
          <Sample customers={p.sample} />
          {editing && p.entering && p.exiting && (
            <div className="flex flex-col gap-y-2">
              <Text size="small">
                <Badge size="2xsmall" color="green">
                  +{p.entering.count}
                </Badge>{" "}
                would enter
              </Text>
              <Sample customers={p.entering.sample} />
              <Text size="small">
                <Badge size="2xsmall" color="red">
                  −{p.exiting.count}
                </Badge>{" "}
                would leave
              </Text>
              <Sample customers={p.exiting.sample} />
            </div>
          )}
          {editing && (
            <div>
              <Text size="xsmall" className="text-ui-fg-subtle">
                Gated to this segment
              </Text>
              {!p.gated?.promotions?.length && !p.gated?.price_lists?.length ? (
                <Text size="small">No promotion or price list</Text>
              ) : (
                <ul>
                  {p.gated?.promotions?.map((x) => (
                    <li key={x.id}>
                      <Link to={`/promotions/${x.id}`} className="txt-compact-small text-ui-fg-interactive hover:underline">
                        Promotion {x.code ?? x.id}
                      </Link>
                    </li>
                  ))}
                  {p.gated?.price_lists?.map((x) => (
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
