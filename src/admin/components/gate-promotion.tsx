import { Button, Drawer, Input, Label, Text, toast } from "@medusajs/ui"
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { useEffect, useState } from "react"
import { sdk } from "../lib/sdk"
import { errorMessage, keys, type Segment } from "../lib/api"

interface PromotionRow {
  id: string
  code: string | null
  status?: string | null
}

/** Gate an existing promotion to this segment (its managed group joins the promotion's customer-group rule). */
export function GatePromotionDrawer({ segment }: { segment: Segment }) {
  const [open, setOpen] = useState(false)
  return (
    <Drawer open={open} onOpenChange={setOpen}>
      <Drawer.Trigger asChild>
        <Button size="small" variant="secondary">
          Gate a promotion
        </Button>
      </Drawer.Trigger>
      <Drawer.Content>
        <Drawer.Header>
          <Drawer.Title>Gate a promotion to “{segment.name}”</Drawer.Title>
          <Drawer.Description>
            Only members of this segment will qualify: the promotion gets the rule “customer group in
            [{segment.customer_group?.name ?? "the segment's group"}]”.
          </Drawer.Description>
        </Drawer.Header>
        <Drawer.Body className="overflow-y-auto">
          {open && <PromotionPicker segmentId={segment.id} onDone={() => setOpen(false)} />}
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

export function useGatePromotion(segmentId: string, onDone?: () => void) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (promotionId: string) =>
      sdk.client.fetch(`/admin/personalization/segments/${segmentId}/gate`, { method: "POST", body: { promotion_id: promotionId } }),
    onSuccess: (_r, promotionId) => {
      toast.success("Promotion gated to the segment")
      queryClient.invalidateQueries({ queryKey: keys.segment(segmentId) })
      queryClient.invalidateQueries({ queryKey: ["personalization", "promotion-gate", promotionId] })
      queryClient.invalidateQueries({ queryKey: ["promotions"] })
      onDone?.()
    },
    onError: (e) => toast.error(errorMessage(e)),
  })
}

function PromotionPicker({ segmentId, onDone }: { segmentId: string; onDone: () => void }) {
  const [search, setSearch] = useState("")
  const [q, setQ] = useState("")
  useEffect(() => {
    const t = setTimeout(() => setQ(search.trim()), 300)
    return () => clearTimeout(t)
  }, [search])
  const { data, isLoading, isError, error } = useQuery({
    queryKey: ["personalization", "promotion-picker", q],
    queryFn: () =>
      sdk.client.fetch<{ promotions: PromotionRow[] }>("/admin/promotions", {
        query: { limit: 20, fields: "id,code,status", ...(q ? { q } : {}) },
      }),
  })
  const gate = useGatePromotion(segmentId, onDone)
  return (
    <div className="flex flex-col gap-y-3">
      <div className="flex flex-col gap-y-1">
        <Label htmlFor="promotion-search" size="small">
          Find a promotion
        </Label>
        <Input id="promotion-search" type="search" placeholder="Promotion code" value={search} onChange={(e) => setSearch(e.target.value)} />
      </div>
      {isLoading ? (
        <Text size="small">Loading promotions…</Text>
      ) : isError ? (
        <Text size="small" className="text-ui-fg-error" role="alert">
          {errorMessage(error)}
        </Text>
      ) : !data?.promotions.length ? (
        <Text size="small">No promotions found.</Text>
      ) : (
        <ul className="flex flex-col gap-y-1">
          {data.promotions.map((p) => (
            <li key={p.id} className="flex items-center justify-between gap-x-2">
              <Text size="small">
                {p.code ?? p.id}
                {p.status ? <span className="text-ui-fg-subtle"> · {p.status}</span> : null}
              </Text>
              <Button size="small" variant="secondary" isLoading={gate.isPending && gate.variables === p.id} onClick={() => gate.mutate(p.id)}>
                Gate
              </Button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
