import { ArrowDownTray, ArrowUpTray } from "@medusajs/icons"
import { Badge, Button, Drawer, Label, Text, Textarea, toast } from "@medusajs/ui"
import { useMutation, useQueryClient } from "@tanstack/react-query"
import { useState } from "react"
import { sdk } from "../lib/sdk"
import { errorMessage, keys } from "../lib/api"

interface ImportResult {
  dry_run: boolean
  segments: {
    created: string[]
    changed: { handle: string; fields: string[] }[]
    unchanged: string[]
  }
  placements?: {
    created: { handle: string; variants: string[] }[]
    changed: {
      handle: string
      fields: string[]
      variants: { created: string[]; changed: { name: string; fields: string[] }[]; unchanged: string[] }
    }[]
    unchanged: string[]
  }
  notes?: string[]
}

/** Export all segments as one JSON document; import one with a dry run (diff) before applying. */
export function SegmentsAsCode() {
  const queryClient = useQueryClient()
  const [open, setOpen] = useState(false)
  const [doc, setDoc] = useState("")
  const [plan, setPlan] = useState<ImportResult | null>(null)

  const exportDoc = useMutation({
    mutationFn: () => sdk.client.fetch<Record<string, unknown>>("/admin/personalization/segments/export"),
    onSuccess: (data) => {
      const blob = new Blob([JSON.stringify(data, null, 2) + "\n"], { type: "application/json" })
      const url = URL.createObjectURL(blob)
      const a = document.createElement("a")
      a.href = url
      a.download = "segments.json"
      a.click()
      setTimeout(() => URL.revokeObjectURL(url), 1000)
    },
    onError: (e) => toast.error(errorMessage(e)),
  })

  const parsed = (() => {
    if (!doc.trim()) return { ok: false as const, error: null }
    try {
      return { ok: true as const, value: JSON.parse(doc) as Record<string, unknown> }
    } catch (e) {
      return { ok: false as const, error: `Not valid JSON: ${errorMessage(e)}` }
    }
  })()

  const run = useMutation({
    mutationFn: (dry_run: boolean) =>
      sdk.client.fetch<ImportResult>("/admin/personalization/segments/import", {
        method: "POST",
        body: { ...(parsed.ok ? parsed.value : {}), dry_run },
      }),
    onSuccess: (res) => {
      setPlan(res)
      if (!res.dry_run) {
        queryClient.invalidateQueries({ queryKey: keys.segments })
        const s = res.segments
        const p = res.placements
        const placements = p ? `; placements: ${p.created.length} created, ${p.changed.length} changed` : ""
        toast.success(`Imported: ${s.created.length} created, ${s.changed.length} changed, ${s.unchanged.length} unchanged${placements}`)
        setOpen(false)
        setDoc("")
        setPlan(null)
      }
    },
    onError: (e) => toast.error(errorMessage(e)),
  })

  const onFile = async (file: File | undefined) => {
    if (!file) return
    setDoc(await file.text())
    setPlan(null)
  }

  return (
    <>
      <Button size="small" variant="secondary" type="button" onClick={() => exportDoc.mutate()} isLoading={exportDoc.isPending}>
        <ArrowDownTray /> Export
      </Button>
      <Drawer open={open} onOpenChange={(o) => (setOpen(o), o || setPlan(null))}>
        <Drawer.Trigger asChild>
          <Button size="small" variant="secondary" type="button">
            <ArrowUpTray /> Import
          </Button>
        </Drawer.Trigger>
        <Drawer.Content>
          <Drawer.Header>
            <Drawer.Title>Import segments</Drawer.Title>
            <Drawer.Description>
              Paste or choose an exported document. Segments and placements are matched by handle; you see what would be created or
              changed before anything is written.
            </Drawer.Description>
          </Drawer.Header>
          <Drawer.Body className="flex flex-col gap-y-3 overflow-y-auto">
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="import-file" size="small">
                File
              </Label>
              <input id="import-file" type="file" accept="application/json,.json" onChange={(e) => onFile(e.target.files?.[0])} />
            </div>
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="import-doc" size="small">
                Document (JSON)
              </Label>
              <Textarea
                id="import-doc"
                className="min-h-[200px] font-mono"
                value={doc}
                onChange={(e) => {
                  setDoc(e.target.value)
                  setPlan(null)
                }}
              />
              {parsed.error && (
                <Text size="small" className="text-ui-fg-error" role="alert">
                  {parsed.error}
                </Text>
              )}
            </div>
            {plan && <Plan plan={plan} />}
          </Drawer.Body>
          <Drawer.Footer>
            <Drawer.Close asChild>
              <Button size="small" variant="secondary" type="button">
                Cancel
              </Button>
            </Drawer.Close>
            <Button size="small" variant="secondary" type="button" disabled={!parsed.ok} isLoading={run.isPending && run.variables === true} onClick={() => run.mutate(true)}>
              Preview changes
            </Button>
            <Button size="small" type="button" disabled={!parsed.ok || !plan} isLoading={run.isPending && run.variables === false} onClick={() => run.mutate(false)}>
              Apply
            </Button>
          </Drawer.Footer>
        </Drawer.Content>
      </Drawer>
    </>
  )
}

function Plan({ plan }: { plan: ImportResult }) {
  const section = (title: string, d: ImportResult["segments"]) => (
    <div className="flex flex-col gap-y-1">
      <Text size="small" weight="plus">
        {title}
      </Text>
      {d.created.map((h) => (
        <Text size="small" key={`c-${h}`}>
          <Badge size="2xsmall" color="green">
            create
          </Badge>{" "}
          {h}
        </Text>
      ))}
      {d.changed.map((c) => (
        <Text size="small" key={`u-${c.handle}`}>
          <Badge size="2xsmall" color="orange">
            change
          </Badge>{" "}
          {c.handle} <span className="text-ui-fg-subtle">({c.fields.join(", ")})</span>
        </Text>
      ))}
      {d.unchanged.length > 0 && (
        <Text size="small" className="text-ui-fg-subtle">
          unchanged: {d.unchanged.join(", ")}
        </Text>
      )}
    </div>
  )
  return (
    <div className="flex flex-col gap-y-3 rounded-md border border-ui-border-base p-3" data-testid="import-plan" aria-live="polite">
      {section("Segments", plan.segments)}
      {plan.placements && section("Placements", placementLines(plan.placements))}
      {plan.notes?.map((n) => (
        <Text size="small" key={n} className="text-ui-fg-subtle">
          {n}
        </Text>
      ))}
    </div>
  )
}

/** Placements read as the same create/change/unchanged lines, each naming what happens to its variants. */
function placementLines(p: NonNullable<ImportResult["placements"]>): ImportResult["segments"] {
  const variants = (v: { created: string[]; changed: { name: string; fields: string[] }[] }) =>
    [
      ...v.created.map((n) => `new variant ${n}`),
      ...v.changed.map((c) => `variant ${c.name}: ${c.fields.join(", ")}`),
    ]
  return {
    created: p.created.map((c) => (c.variants.length ? `${c.handle} (variants: ${c.variants.join(", ")})` : c.handle)),
    changed: p.changed.map((c) => ({
      handle: c.handle,
      fields: [...c.fields.filter((f) => f !== "variants"), ...variants(c.variants)],
    })),
    unchanged: p.unchanged,
  }
}
