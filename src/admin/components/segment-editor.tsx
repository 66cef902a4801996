import { Button, Container, Heading, Input, Label, Select, Tabs, Text, Textarea, toast } from "@medusajs/ui"
import { useMutation, useQueryClient } from "@tanstack/react-query"
import { useMemo, useRef, useState } from "react"
import { useNavigate } from "react-router-dom"
import type { Rule } from "../../core/rules/ast"
import type { TraitCatalog, TraitDef } from "../../core/rules/catalog"
import { format } from "../../core/rules/format"
import { tryParse } from "../../core/rules/parser"
import { validateRule, type ValidationError } from "../../core/rules/validate"
import { sdk } from "../lib/sdk"
import { errorMessage, keys, useCatalog, type Catalog, type Segment } from "../lib/api"
import { fromRule, idGenerator, newTraitNode, toRule, type BuilderError, type GroupNode } from "../lib/rule-builder"
import { RuleBuilderView } from "./rule-builder-view"
import { PreviewPanel, usePreview } from "./preview-panel"
import { ErrorState, LoadingRows } from "./states"

const HANDLE_RE = /^[a-z0-9-]{2,64}$/

function slugify(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64)
}

/** The catalogue route's traits as the core's TraitCatalog, so the editor validates exactly like the server. */
function toTraitCatalog(c: Catalog): TraitCatalog {
  return new Map(
    c.traits.map((t): [string, TraitDef] => [
      t.name,
      { name: t.name, type: t.type, label: t.label, description: t.description ?? "", values: t.values, source: { jsonb: t.name } },
    ])
  )
}

export function SegmentEditor({ segment }: { segment?: Segment }) {
  const catalog = useCatalog()
  if (catalog.isLoading) return <LoadingRows label="Loading the trait catalogue…" />
  if (catalog.isError || !catalog.data) return <ErrorState error={catalog.error} onRetry={() => catalog.refetch()} />
  return <EditorForm segment={segment} catalog={catalog.data} />
}

type Mode = "visual" | "text"

function EditorForm({ segment, catalog }: { segment?: Segment; catalog: Catalog }) {
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const nextId = useRef(idGenerator("b")).current
  const traitCatalog = useMemo(() => toTraitCatalog(catalog), [catalog])

  const [name, setName] = useState(segment?.name ?? "")
  // An empty name is flagged once the user has typed in (or left) the field, not on a pristine form.
  const [nameTouched, setNameTouched] = useState(!!segment)
  const [handle, setHandle] = useState(segment?.handle ?? "")
  const [handleTouched, setHandleTouched] = useState(!!segment)
  const [description, setDescription] = useState(segment?.description ?? "")
  const [purpose, setPurpose] = useState(segment?.purpose ?? catalog.consent.purposes[0] ?? "personalization")
  const [status, setStatus] = useState<"draft" | "active">(segment?.status === "active" ? "active" : "draft")
  const [mode, setMode] = useState<Mode>("visual")
  const [root, setRoot] = useState<GroupNode>(() => {
    if (segment) return fromRule(segment.rule, nextId)
    const first = catalog.traits.find((t) => t.name === "orders_count") ?? catalog.traits[0]
    return { id: nextId(), kind: "group", op: "and", children: [newTraitNode(nextId, first, first ? catalog.operators[first.type] : undefined)] }
  })
  const [text, setText] = useState(segment?.rule_text ?? "")
  const [switchError, setSwitchError] = useState<string | null>(null)

  // The rule as it stands in the current mode: builder errors (per row), syntax error (line:column) or
  // catalogue errors (the server's own validator, run here).
  const current = useMemo(() => {
    let rule: Rule | null = null
    let builderErrors: BuilderError[] = []
    let syntax: { message: string; line: number; column: number } | null = null
    if (mode === "visual") {
      const r = toRule(root)
      if (r.ok) rule = r.rule
      else builderErrors = r.errors
    } else {
      const p = tryParse(text)
      if (p.ok) rule = p.rule
      else syntax = p.error
    }
    let ruleErrors: ValidationError[] = []
    if (rule) {
      const v = validateRule(rule, traitCatalog)
      if (!v.ok) {
        ruleErrors = v.errors
        rule = null
      }
    }
    return { rule, builderErrors, syntax, ruleErrors }
  }, [mode, root, text, traitCatalog])

  const handleError = !HANDLE_RE.test(handle) ? "lower-case letters, digits and dashes, 2–64 characters" : null
  const nameError = name.trim() ? null : "required"
  const valid = !!current.rule && !handleError && !nameError

  const preview = usePreview({ rule: current.rule, purpose, segmentId: segment?.id })

  const switchMode = (to: string) => {
    if (to === mode) return
    setSwitchError(null)
    if (to === "text") {
      const r = toRule(root)
      if (!r.ok) return setSwitchError("Finish or remove the highlighted conditions before switching to text.")
      setText(format(r.rule))
      setMode("text")
    } else {
      const p = tryParse(text)
      if (!p.ok) return setSwitchError(`Fix the syntax error at line ${p.error.line}, column ${p.error.column} first.`)
      setRoot(fromRule(p.rule, nextId))
      setMode("visual")
    }
  }

  const save = useMutation({
    mutationFn: async () => {
      const body: Record<string, unknown> = {
        name: name.trim(),
        handle,
        description: description.trim() ? description : null,
        rule: current.rule,
        purpose,
        status,
      }
      if (segment) {
        if (segment.status === "archived") delete body.status
        return sdk.client.fetch<{ segment: Segment }>(`/admin/personalization/segments/${segment.id}`, { method: "POST", body })
      }
      return sdk.client.fetch<{ segment: Segment }>("/admin/personalization/segments", { method: "POST", body })
    },
    onSuccess: ({ segment: saved }) => {
      queryClient.invalidateQueries({ queryKey: keys.segments })
      queryClient.invalidateQueries({ queryKey: keys.segment(saved.id) })
      toast.success(segment ? "Segment saved" : "Segment created")
      navigate(`/segments/${saved.id}`)
    },
    onError: (e) => toast.error(errorMessage(e)),
  })

  const onSubmit = (e: React.FormEvent) => {
    e.preventDefault()
    if (valid && !save.isPending) save.mutate()
  }

  return (
    <form onSubmit={onSubmit} className="flex flex-col gap-y-3" aria-label={segment ? "Edit segment" : "Create segment"}>
      <div className="grid grid-cols-1 gap-3 xl:grid-cols-[1fr_320px]">
        <div className="flex flex-col gap-y-3">
          <Container className="flex flex-col gap-y-4 p-6">
            <Heading level="h1">{segment ? `Edit ${segment.name}` : "Create segment"}</Heading>
            <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="segment-name" size="small">
                  Name
                </Label>
                <Input
                  id="segment-name"
                  value={name}
                  aria-invalid={!!nameError && nameTouched}
                  aria-required
                  onBlur={() => setNameTouched(true)}
                  onChange={(e) => {
                    setNameTouched(true)
                    setName(e.target.value)
                    if (!handleTouched) setHandle(slugify(e.target.value))
                  }}
                />
              </div>
              <div className="flex flex-col gap-y-1">
                <Label htmlFor="segment-handle" size="small">
                  Handle
                </Label>
                <Input
                  id="segment-handle"
                  value={handle}
                  aria-invalid={!!handleError && handle !== ""}
                  onChange={(e) => {
                    setHandleTouched(true)
                    setHandle(e.target.value)
                  }}
                />
                {handleError && handle !== "" && (
                  <Text size="xsmall" className="text-ui-fg-error">
                    {handleError}
                  </Text>
                )}
              </div>
              <div className="flex flex-col gap-y-1 md:col-span-2">
                <Label htmlFor="segment-description" size="small">
                  Description (optional)
                </Label>
                <Input id="segment-description" value={description} onChange={(e) => setDescription(e.target.value)} />
              </div>
              <div className="flex flex-col gap-y-1">
                <Label size="small" id="segment-purpose-label">
                  Consent purpose
                </Label>
                <Select value={purpose} onValueChange={setPurpose}>
                  <Select.Trigger aria-labelledby="segment-purpose-label">
                    <Select.Value />
                  </Select.Trigger>
                  <Select.Content>
                    {[...new Set([...catalog.consent.purposes, purpose])].map((p) => (
                      <Select.Item key={p} value={p}>
                        {p}
                      </Select.Item>
                    ))}
                  </Select.Content>
                </Select>
                <Text size="xsmall" className="text-ui-fg-subtle">
                  {catalog.consent.required
                    ? "Only customers who granted this purpose can be members."
                    : "Consent is not enforced in this store's configuration."}
                </Text>
              </div>
              {segment?.status !== "archived" && (
                <div className="flex flex-col gap-y-1">
                  <Label size="small" id="segment-status-label">
                    Status
                  </Label>
                  <Select value={status} onValueChange={(v) => setStatus(v as "draft" | "active")}>
                    <Select.Trigger aria-labelledby="segment-status-label">
                      <Select.Value />
                    </Select.Trigger>
                    <Select.Content>
                      <Select.Item value="draft">Draft (no members yet)</Select.Item>
                      <Select.Item value="active">Active (evaluated in real time)</Select.Item>
                    </Select.Content>
                  </Select>
                </div>
              )}
            </div>
          </Container>
          <Container className="flex flex-col gap-y-3 p-6">
            <div className="flex items-center justify-between">
              <Heading level="h2">Rule</Heading>
            </div>
            <Tabs value={mode} onValueChange={switchMode}>
              <Tabs.List>
                <Tabs.Trigger value="visual">Visual builder</Tabs.Trigger>
                <Tabs.Trigger value="text">Text</Tabs.Trigger>
              </Tabs.List>
              {switchError && (
                <Text size="small" className="text-ui-fg-error mt-2" role="alert">
                  {switchError}
                </Text>
              )}
              <Tabs.Content value="visual" className="pt-4">
                {mode === "visual" && (
                  <RuleBuilderView root={root} onChange={setRoot} catalog={catalog} nextId={nextId} errors={current.builderErrors} />
                )}
              </Tabs.Content>
              <Tabs.Content value="text" className="pt-4">
                {mode === "text" && (
                  <div className="flex flex-col gap-y-2">
                    <Textarea
                      aria-label="Rule text"
                      className="min-h-[140px] font-mono"
                      spellCheck={false}
                      value={text}
                      aria-invalid={!!current.syntax}
                      onChange={(e) => setText(e.target.value)}
                    />
                    {current.syntax && <RuleSyntaxErrorView text={text} error={current.syntax} />}
                    <Text size="xsmall" className="text-ui-fg-subtle">
                      Example: orders_count &gt;= 3 AND last_order_at &lt; -90d AND event('product_viewed').count(last 30d) &gt;= 2
                    </Text>
                  </div>
                )}
              </Tabs.Content>
            </Tabs>
            {current.ruleErrors.length > 0 && (
              <ul className="flex flex-col gap-y-1" role="alert" data-testid="rule-errors">
                {current.ruleErrors.map((e, i) => (
                  <li key={i}>
                    <Text size="small" className="text-ui-fg-error">
                      {e.path}: {e.message}
                    </Text>
                  </li>
                ))}
              </ul>
            )}
          </Container>
        </div>
        <div className="flex flex-col gap-y-3">
          <PreviewPanel preview={preview} editing={!!segment} invalid={!current.rule} />
        </div>
      </div>
      <div className="flex items-center justify-end gap-x-2">
        <Button type="button" variant="secondary" size="small" onClick={() => navigate(segment ? `/segments/${segment.id}` : "/segments")}>
          Cancel
        </Button>
        <Button type="submit" size="small" disabled={!valid} isLoading={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  )
}

/** A parser error at line:column, with the offending line and a caret under the column. */
function RuleSyntaxErrorView({ text, error }: { text: string; error: { message: string; line: number; column: number } }) {
  const line = text.split("\n")[error.line - 1] ?? ""
  return (
    <div role="alert" data-testid="syntax-error" className="rounded-md bg-ui-bg-subtle p-2">
      <Text size="small" className="text-ui-fg-error">
        Line {error.line}, column {error.column}: {error.message}
      </Text>
      <pre className="txt-compact-xsmall mt-1 overflow-x-auto font-mono text-ui-fg-subtle">
        {line}
        {"\n"}
        {" ".repeat(Math.max(0, error.column - 1))}^
      </pre>
    </div>
  )
}
