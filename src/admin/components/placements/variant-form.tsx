import { Button, Drawer, Input, Label, Select, Tabs, Text, Textarea } from "@medusajs/ui"
import { useEffect, useState } from "react"
import { errorMessage, useSegments } from "../../lib/api"
import { sourceOf, type PlacementContent, type PlacementVariant, type SourceType, type VariantInput } from "./api"
import { useReturnFocus } from "../../lib/focus"

const DEFAULT = "__default__"

type Fields = {
  title: string
  subtitle: string
  image_url: string
  cta_label: string
  cta_href: string
  source: SourceType
  product_ids: string
  collection_id: string
  category_id: string
  strategy: "for_you" | "cart" | "popular"
  limit: string
}

function toFields(c: PlacementContent): Fields {
  return {
    title: c.title ?? "",
    subtitle: c.subtitle ?? "",
    image_url: c.image_url ?? "",
    cta_label: c.cta?.label ?? "",
    cta_href: c.cta?.href ?? "",
    source: sourceOf(c) ?? "recommendations",
    product_ids: (c.product_ids ?? []).join(", "),
    collection_id: c.collection_id ?? "",
    category_id: c.category_id ?? "",
    strategy: c.recommendations?.strategy ?? "for_you",
    limit: String(c.recommendations?.limit ?? 8),
  }
}

/** The content object the form describes. Empty optional fields are left out; the server validates the rest. */
function toContent(f: Fields): PlacementContent {
  const c: PlacementContent = {}
  if (f.title.trim()) c.title = f.title
  if (f.subtitle.trim()) c.subtitle = f.subtitle
  if (f.image_url.trim()) c.image_url = f.image_url.trim()
  if (f.cta_label.trim() || f.cta_href.trim()) c.cta = { label: f.cta_label, href: f.cta_href.trim() }
  switch (f.source) {
    case "product_ids":
      c.product_ids = f.product_ids.split(/[\s,]+/).filter(Boolean)
      break
    case "collection_id":
      c.collection_id = f.collection_id.trim()
      break
    case "category_id":
      c.category_id = f.category_id.trim()
      break
    case "recommendations": {
      const n = Number(f.limit)
      c.recommendations = { strategy: f.strategy, limit: Number.isInteger(n) ? n : (f.limit as unknown as number) }
      break
    }
  }
  return c
}

/**
 * Create or edit a placement variant in a drawer (Esc closes it, Enter in a field submits). Content is edited
 * either with fields or as JSON (same object; switching tabs carries the edits over). The server's 400, which
 * names the field, is shown inline.
 */
export function VariantDrawer({
  open,
  onOpenChange,
  variant,
  onSubmit,
}: {
  open: boolean
  onOpenChange: (open: boolean) => void
  variant: PlacementVariant | null
  onSubmit: (input: VariantInput) => Promise<unknown>
}) {
  const returnFocus = useReturnFocus(open)
  const segments = useSegments({ limit: 100, offset: 0 })
  const [name, setName] = useState("")
  const [segmentId, setSegmentId] = useState<string>(DEFAULT)
  const [priority, setPriority] = useState("0")
  const [status, setStatus] = useState<"active" | "draft">("active")
  const [fields, setFields] = useState<Fields>(toFields({}))
  const [mode, setMode] = useState<"form" | "json">("form")
  const [json, setJson] = useState("{}")
  const [error, setError] = useState<string | null>(null)
  const [saving, setSaving] = useState(false)

  useEffect(() => {
    if (!open) return
    setName(variant?.name ?? "")
    setSegmentId(variant?.segment_id ?? DEFAULT)
    setPriority(String(variant?.priority ?? 0))
    setStatus(variant?.status ?? "active")
    const content = variant?.content ?? { recommendations: { strategy: "for_you", limit: 8 } }
    setFields(toFields(content))
    setJson(JSON.stringify(content, null, 2))
    setMode("form")
    setError(null)
  }, [open, variant])

  const set = <K extends keyof Fields>(k: K, v: Fields[K]) => setFields((f) => ({ ...f, [k]: v }))

  function switchMode(next: string) {
    if (next === mode) return
    if (next === "json") {
      setJson(JSON.stringify(toContent(fields), null, 2))
      setMode("json")
      return
    }
    try {
      setFields(toFields(JSON.parse(json)))
      setError(null)
      setMode("form")
    } catch (e) {
      setError(`content: not valid JSON (${errorMessage(e)})`)
    }
  }

  async function submit(e: React.FormEvent) {
    e.preventDefault()
    setError(null)
    let content: PlacementContent
    if (mode === "json") {
      try {
        content = JSON.parse(json)
      } catch (err) {
        setError(`content: not valid JSON (${errorMessage(err)})`)
        return
      }
    } else content = toContent(fields)
    const p = Number(priority)
    setSaving(true)
    try {
      await onSubmit({
        name,
        segment_id: segmentId === DEFAULT ? null : segmentId,
        priority: Number.isInteger(p) ? p : (priority as unknown as number),
        status,
        content,
      })
      onOpenChange(false)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setSaving(false)
    }
  }

  const segmentList = segments.data?.segments ?? []
  return (
    <Drawer open={open} onOpenChange={onOpenChange}>
      <Drawer.Content {...returnFocus}>
        <form onSubmit={submit} className="flex h-full flex-col overflow-hidden" data-testid="variant-form">
          <Drawer.Header>
            <Drawer.Title>{variant ? `Edit variant ${variant.name}` : "Add variant"}</Drawer.Title>
            <Drawer.Description>
              The storefront serves the highest-priority active variant whose segment the shopper is in, else the
              highest-priority active default.
            </Drawer.Description>
          </Drawer.Header>
          <Drawer.Body className="flex flex-col gap-y-4 overflow-y-auto">
            <div className="flex flex-col gap-y-1">
              <Label htmlFor="variant-name" size="small">
                Name
              </Label>
              <Input id="variant-name" size="small" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
            </div>
            <div className="grid grid-cols-3 gap-3">
              <div className="col-span-3 flex flex-col gap-y-1">
                <Label size="small">Segment</Label>
                <Select size="small" value={segmentId} onValueChange={setSegmentId}>
                  <Select.Trigger aria-label="Segment">
                    <Select.Value />
                  </Select.Trigger>
                  <Select.Content>
                    <Select.Item value={DEFAULT}>Default (everyone else)</Select.Item>
                    {segmentList.map((s) => (
                      <Select.Item key={s.id} value={s.id}>
                        {s.name} ({s.handle})
                      </Select.Item>
                    ))}
                    {segmentId !== DEFAULT && !segmentList.some((s) => s.id === segmentId) && (
                      <Select.Item value={segmentId}>{segmentId}</Select.Item>
                    )}
                  </Select.Content>
                </Select>
              </div>
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="variant-priority" size="small">
                  Priority
                </Label>
                <Input id="variant-priority" size="small" type="number" value={priority} onChange={(e) => setPriority(e.target.value)} />
              </div>
              <div className="col-span-2 flex flex-col gap-y-1">
                <Label size="small">Status</Label>
                <Select size="small" value={status} onValueChange={(v) => setStatus(v as "active" | "draft")}>
                  <Select.Trigger aria-label="Status">
                    <Select.Value />
                  </Select.Trigger>
                  <Select.Content>
                    <Select.Item value="active">Active</Select.Item>
                    <Select.Item value="draft">Draft (not served)</Select.Item>
                  </Select.Content>
                </Select>
              </div>
            </div>
            <Tabs value={mode} onValueChange={switchMode}>
              <Tabs.List>
                <Tabs.Trigger value="form">Content</Tabs.Trigger>
                <Tabs.Trigger value="json">JSON</Tabs.Trigger>
              </Tabs.List>
              <Tabs.Content value="form" className="flex flex-col gap-y-3 pt-3">
                <Field id="c-title" label="Title" value={fields.title} onChange={(v) => set("title", v)} />
                <Field id="c-subtitle" label="Subtitle" value={fields.subtitle} onChange={(v) => set("subtitle", v)} />
                <Field id="c-image" label="Image URL (http/https)" value={fields.image_url} onChange={(v) => set("image_url", v)} />
                <div className="grid grid-cols-2 gap-3">
                  <Field id="c-cta-label" label="Button label" value={fields.cta_label} onChange={(v) => set("cta_label", v)} />
                  <Field id="c-cta-href" label="Button link (/path or URL)" value={fields.cta_href} onChange={(v) => set("cta_href", v)} />
                </div>
                <div className="flex flex-col gap-y-1">
                  <Label size="small">Products from</Label>
                  <Select size="small" value={fields.source} onValueChange={(v) => set("source", v as SourceType)}>
                    <Select.Trigger aria-label="Products from">
                      <Select.Value />
                    </Select.Trigger>
                    <Select.Content>
                      <Select.Item value="recommendations">Recommendations</Select.Item>
                      <Select.Item value="product_ids">Chosen products</Select.Item>
                      <Select.Item value="collection_id">A collection</Select.Item>
                      <Select.Item value="category_id">A category</Select.Item>
                    </Select.Content>
                  </Select>
                </div>
                {fields.source === "product_ids" && (
                  <Field id="c-products" label="Product ids (comma separated)" value={fields.product_ids} onChange={(v) => set("product_ids", v)} />
                )}
                {fields.source === "collection_id" && (
                  <Field id="c-collection" label="Collection id" value={fields.collection_id} onChange={(v) => set("collection_id", v)} />
                )}
                {fields.source === "category_id" && (
                  <Field id="c-category" label="Category id" value={fields.category_id} onChange={(v) => set("category_id", v)} />
                )}
                {fields.source === "recommendations" && (
                  <div className="grid grid-cols-2 gap-3">
                    <div className="flex flex-col gap-y-1">
                      <Label size="small">Strategy</Label>
                      <Select size="small" value={fields.strategy} onValueChange={(v) => set("strategy", v as Fields["strategy"])}>
                        <Select.Trigger aria-label="Strategy">
                          <Select.Value />
                        </Select.Trigger>
                        <Select.Content>
                          <Select.Item value="for_you">For you</Select.Item>
                          <Select.Item value="cart">From the cart</Select.Item>
                          <Select.Item value="popular">Popular</Select.Item>
                        </Select.Content>
                      </Select>
                    </div>
                    <Field id="c-limit" label="How many (1–50)" type="number" value={fields.limit} onChange={(v) => set("limit", v)} />
                  </div>
                )}
              </Tabs.Content>
              <Tabs.Content value="json" className="pt-3">
                <Label htmlFor="c-json" size="small">
                  Content JSON
                </Label>
                <Textarea
                  id="c-json"
                  rows={14}
                  className="font-mono text-xs"
                  value={json}
                  onChange={(e) => setJson(e.target.value)}
                  spellCheck={false}
                />
                <Text size="xsmall" className="text-ui-fg-subtle">
                  title, subtitle, image_url, cta {"{label, href}"}, and exactly one of product_ids, collection_id,
                  category_id or recommendations {"{strategy, limit}"}.
                </Text>
              </Tabs.Content>
            </Tabs>
            {error && (
              <Text size="small" className="text-ui-fg-error" role="alert" data-testid="variant-error">
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
              {variant ? "Save variant" : "Add variant"}
            </Button>
          </Drawer.Footer>
        </form>
      </Drawer.Content>
    </Drawer>
  )
}

function Field({
  id,
  label,
  value,
  onChange,
  type = "text",
}: {
  id: string
  label: string
  value: string
  onChange: (v: string) => void
  type?: string
}) {
  return (
    <div className="flex flex-col gap-y-1">
      <Label htmlFor={id} size="small">
        {label}
      </Label>
      <Input id={id} size="small" type={type} value={value} onChange={(e) => onChange(e.target.value)} />
    </div>
  )
}
