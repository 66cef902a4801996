import { PlusMini, Trash, XMarkMini } from "@medusajs/icons"
import { Badge, Button, IconButton, Input, Select, Text, clx } from "@medusajs/ui"
import type { ComparisonOp, PropertyOp, TraitOp, WindowUnit } from "../../core/rules/ast"
import type { Catalog } from "../lib/api"
import {
  defaultValue,
  newEventNode,
  newTraitNode,
  traitArity,
  typedNumber,
  updateNode,
  removeNode,
  valuesForOp,
  type BuilderError,
  type BuilderNode,
  type EventNode,
  type FilterDraft,
  type GroupNode,
  type IdGen,
  type TraitInfo,
  type TraitNode,
  type ValueDraft,
} from "../lib/rule-builder"

const OP_LABELS: Record<string, string> = {
  "=": "is",
  "!=": "is not",
  ">": "greater than",
  ">=": "at least",
  "<": "less than",
  "<=": "at most",
  between: "between",
  not_between: "not between",
  in: "is one of",
  not_in: "is none of",
  contains: "contains",
  is_null: "is unknown",
  is_not_null: "is known",
}
const DATE_OP_LABELS: Record<string, string> = { ">": "after", ">=": "on or after", "<": "before", "<=": "on or before" }
const CMP_OPS: (ComparisonOp | "between")[] = ["=", "!=", ">", ">=", "<", "<=", "between"]
const RELATIVE_PRESETS = [
  { value: "today", label: "Today" },
  { value: "-1d", label: "1 day ago" },
  { value: "-7d", label: "7 days ago" },
  { value: "-30d", label: "30 days ago" },
  { value: "-90d", label: "90 days ago" },
  { value: "-180d", label: "180 days ago" },
  { value: "-365d", label: "1 year ago" },
]
const KIND_EVENT = "__event"
const KIND_SEGMENT = "__segment"
const KIND_CONSENT = "__consent"

export interface BuilderProps {
  root: GroupNode
  onChange: (root: GroupNode) => void
  catalog: Catalog
  nextId: IdGen
  errors: BuilderError[]
}

/** The visual rule builder: nested AND/OR groups, NOT, and typed condition rows. */
export function RuleBuilderView(props: BuilderProps) {
  return <GroupView {...props} node={props.root} depth={0} />
}

type Ctx = BuilderProps & { depth: number }

function useEdit(ctx: BuilderProps) {
  return {
    update: (id: string, f: (n: BuilderNode) => BuilderNode) => ctx.onChange(updateNode(ctx.root, id, f) as GroupNode),
    remove: (id: string) => ctx.onChange(removeNode(ctx.root, id) as GroupNode),
  }
}

function errorsFor(ctx: BuilderProps, id: string) {
  return ctx.errors.filter((e) => e.id === id)
}

function ErrorText({ errors }: { errors: BuilderError[] }) {
  if (!errors.length) return null
  return (
    <Text size="xsmall" className="text-ui-fg-error" role="alert">
      {errors.map((e) => e.message).join("; ")}
    </Text>
  )
}

function GroupView(ctx: Ctx & { node: GroupNode }) {
  const { node, depth } = ctx
  const { update, remove } = useEdit(ctx)
  const addCondition = () => {
    const first = ctx.catalog.traits[0]
    update(node.id, (n) => ({
      ...(n as GroupNode),
      children: [...(n as GroupNode).children, newTraitNode(ctx.nextId, first, first ? ctx.catalog.operators[first.type] : undefined)],
    }))
  }
  const addGroup = () =>
    update(node.id, (n) => ({
      ...(n as GroupNode),
      children: [...(n as GroupNode).children, { id: ctx.nextId(), kind: "group", op: node.op === "and" ? "or" : "and", children: [] }],
    }))
  return (
    <div
      className={clx("flex flex-col gap-y-2 rounded-lg", depth > 0 && "border border-ui-border-base bg-ui-bg-subtle p-3")}
      data-testid="rule-group"
      role="group"
      aria-label={depth === 0 ? "Rule" : "Condition group"}
    >
      <div className="flex items-center gap-x-2">
        <Text size="small" className="text-ui-fg-subtle">
          Match
        </Text>
        <div className="w-52">
          <Select
            size="small"
            value={node.op}
            onValueChange={(v) => update(node.id, (n) => ({ ...(n as GroupNode), op: v as "and" | "or" }))}
          >
            <Select.Trigger aria-label="Group operator">
              <Select.Value />
            </Select.Trigger>
            <Select.Content>
              <Select.Item value="and">ALL of these (AND)</Select.Item>
              <Select.Item value="or">ANY of these (OR)</Select.Item>
            </Select.Content>
          </Select>
        </div>
        {depth > 0 && (
          <IconButton size="small" variant="transparent" aria-label="Remove group" onClick={() => remove(node.id)}>
            <Trash />
          </IconButton>
        )}
      </div>
      {node.children.map((child) => (
        // Keyed by the condition itself, not its NOT wrapper: toggling NOT keeps the row (and keyboard focus on it).
        <ChildView key={child.kind === "not" ? (child.child?.id ?? child.id) : child.id} {...ctx} node={child} parent={node} />
      ))}
      <ErrorText errors={errorsFor(ctx, node.id)} />
      <div className="flex gap-x-2">
        <Button size="small" variant="secondary" type="button" onClick={addCondition}>
          <PlusMini /> Add condition
        </Button>
        {depth < 6 && (
          <Button size="small" variant="transparent" type="button" onClick={addGroup}>
            <PlusMini /> Add group
          </Button>
        )}
      </div>
    </div>
  )
}

/** A group member: a condition or group, optionally wrapped in NOT. */
function ChildView(ctx: Ctx & { node: BuilderNode; parent: GroupNode }) {
  const { node } = ctx
  const { update, remove } = useEdit(ctx)
  const negated = node.kind === "not"
  const inner = node.kind === "not" ? node.child : node
  const toggleNot = () =>
    update(node.id, (n) => (n.kind === "not" ? (n.child ?? n) : { id: ctx.nextId(), kind: "not", child: n }))
  return (
    <div className="flex items-start gap-x-2" data-testid="rule-row">
      <Button
        size="small"
        type="button"
        variant={negated ? "primary" : "transparent"}
        aria-pressed={negated}
        aria-label={negated ? "Remove NOT" : "Negate (NOT)"}
        onClick={toggleNot}
        className={clx("mt-0.5 w-12 shrink-0", !negated && "text-ui-fg-muted")}
        title={negated ? "This condition is negated (NOT); click to remove NOT" : "Negate this condition (NOT)"}
      >
        NOT
      </Button>
      <div className="flex min-w-0 flex-1 flex-col gap-y-1">
        {inner && (inner.kind === "group" ? <GroupView {...ctx} node={inner} depth={ctx.depth + 1} /> : <ConditionView {...ctx} node={inner} />)}
        {negated && <ErrorText errors={errorsFor(ctx, node.id)} />}
      </div>
      {inner?.kind !== "group" && (
        <IconButton
          size="small"
          variant="transparent"
          type="button"
          aria-label="Remove condition"
          onClick={() => remove(inner?.id ?? node.id)}
        >
          <XMarkMini />
        </IconButton>
      )}
    </div>
  )
}

function ConditionView(ctx: Ctx & { node: BuilderNode }) {
  const { node, catalog } = ctx
  const { update } = useEdit(ctx)
  const fieldValue =
    node.kind === "trait" ? node.trait : node.kind === "event" ? KIND_EVENT : node.kind === "segment" ? KIND_SEGMENT : KIND_CONSENT
  const changeField = (v: string) =>
    update(node.id, (): BuilderNode => {
      if (v === KIND_EVENT) return { ...newEventNode(ctx.nextId, catalog.event_types[0]), id: node.id }
      if (v === KIND_SEGMENT) return { id: node.id, kind: "segment", handle: "" }
      if (v === KIND_CONSENT) return { id: node.id, kind: "consent", purpose: catalog.consent.purposes[0] ?? "" }
      const def = catalog.traits.find((t) => t.name === v)
      return { ...newTraitNode(ctx.nextId, def, def ? catalog.operators[def.type] : undefined), id: node.id }
    })
  return (
    <div className="flex flex-col gap-y-1" data-testid="condition" data-kind={node.kind}>
      <div className="flex flex-wrap items-center gap-2">
        <div className="w-48">
          <Select size="small" value={fieldValue} onValueChange={changeField}>
            <Select.Trigger aria-label="Condition field">
              <Select.Value placeholder="Choose a trait" />
            </Select.Trigger>
            <Select.Content>
              <Select.Group>
                <Select.Label>Traits</Select.Label>
                {catalog.traits.map((t) => (
                  <Select.Item key={t.name} value={t.name}>
                    {t.label}
                  </Select.Item>
                ))}
              </Select.Group>
              <Select.Separator />
              <Select.Group>
                <Select.Label>Behaviour and more</Select.Label>
                <Select.Item value={KIND_EVENT}>Event in a time window</Select.Item>
                <Select.Item value={KIND_SEGMENT}>Member of segment</Select.Item>
                <Select.Item value={KIND_CONSENT}>Consent granted</Select.Item>
              </Select.Group>
            </Select.Content>
          </Select>
        </div>
        {node.kind === "trait" && <TraitRow {...ctx} node={node} />}
        {node.kind === "event" && <EventHead {...ctx} node={node} />}
        {node.kind === "segment" && (
          <Input
            size="small"
            className="w-56"
            aria-label="Segment handle"
            placeholder="segment handle"
            value={node.handle}
            onChange={(e) => update(node.id, (n) => ({ ...n, handle: e.target.value }) as BuilderNode)}
          />
        )}
        {node.kind === "consent" && (
          <div className="w-48">
            <Select size="small" value={node.purpose} onValueChange={(v) => update(node.id, (n) => ({ ...n, purpose: v }) as BuilderNode)}>
              <Select.Trigger aria-label="Consent purpose">
                <Select.Value />
              </Select.Trigger>
              <Select.Content>
                {[...new Set([...catalog.consent.purposes, node.purpose].filter(Boolean))].map((p) => (
                  <Select.Item key={p} value={p}>
                    {p}
                  </Select.Item>
                ))}
              </Select.Content>
            </Select>
          </div>
        )}
      </div>
      {node.kind === "event" && <EventDetails {...ctx} node={node} />}
      <ErrorText errors={errorsFor(ctx, node.id)} />
    </div>
  )
}

function TraitRow(ctx: Ctx & { node: TraitNode }) {
  const { node, catalog } = ctx
  const { update } = useEdit(ctx)
  const def = catalog.traits.find((t) => t.name === node.trait)
  const ops = def ? catalog.operators[def.type] ?? [] : [node.op]
  const opLabel = (op: string) => (def?.type === "date" && DATE_OP_LABELS[op]) || OP_LABELS[op] || op
  const setValues = (values: ValueDraft[]) => update(node.id, (n) => ({ ...(n as TraitNode), values }))
  const arity = traitArity(node.op)
  return (
    <>
      <div className="w-40">
        <Select
          size="small"
          value={node.op}
          onValueChange={(v) =>
            update(node.id, (n) => ({
              ...(n as TraitNode),
              op: v as TraitOp,
              values: valuesForOp(v as TraitOp, (n as TraitNode).values, defaultValue(def?.type, def?.values)),
            }))
          }
        >
          <Select.Trigger aria-label="Operator">
            <Select.Value />
          </Select.Trigger>
          <Select.Content>
            {[...new Set([...ops, node.op])].map((op) => (
              <Select.Item key={op} value={op}>
                {opLabel(op)}
              </Select.Item>
            ))}
          </Select.Content>
        </Select>
      </div>
      {arity !== 0 &&
        node.values.map((v, i) => (
          <span key={i} className="flex items-center gap-x-1">
            {arity === 2 && i === 1 && (
              <Text size="small" className="text-ui-fg-subtle">
                and
              </Text>
            )}
            <ValueInput
              def={def}
              value={v}
              label={`Value${node.values.length > 1 ? ` ${i + 1}` : ""}`}
              onChange={(nv) => setValues(node.values.map((x, j) => (j === i ? nv : x)))}
            />
            {arity === "list" && node.values.length > 1 && (
              <IconButton
                size="small"
                variant="transparent"
                type="button"
                aria-label={`Remove value ${i + 1}`}
                onClick={() => setValues(node.values.filter((_, j) => j !== i))}
              >
                <XMarkMini />
              </IconButton>
            )}
          </span>
        ))}
      {arity === "list" && (
        <Button
          size="small"
          variant="transparent"
          type="button"
          onClick={() => setValues([...node.values, defaultValue(def?.type, def?.values)])}
        >
          <PlusMini /> Value
        </Button>
      )}
      {def?.type === "money" && (
        <Badge size="2xsmall" color="grey">
          store currency
        </Badge>
      )}
    </>
  )
}

/** One value input, typed to the trait: number, money, date (relative presets or a day), enum, boolean, text. */
function ValueInput({
  def,
  value,
  label,
  onChange,
}: {
  def: TraitInfo | undefined
  value: ValueDraft
  label: string
  onChange: (v: ValueDraft) => void
}) {
  const type = def?.type
  if (value.kind === "boolean" || type === "boolean") {
    const current = value.kind === "boolean" ? String(value.value) : "true"
    return (
      <div className="w-28">
        <Select size="small" value={current} onValueChange={(v) => onChange({ kind: "boolean", value: v === "true" })}>
          <Select.Trigger aria-label={label}>
            <Select.Value />
          </Select.Trigger>
          <Select.Content>
            <Select.Item value="true">yes</Select.Item>
            <Select.Item value="false">no</Select.Item>
          </Select.Content>
        </Select>
      </div>
    )
  }
  if (type === "enum" && def?.values?.length && value.kind === "string") {
    return (
      <div className="w-40">
        <Select size="small" value={value.text} onValueChange={(v) => onChange({ kind: "string", text: v })}>
          <Select.Trigger aria-label={label}>
            <Select.Value placeholder="Choose" />
          </Select.Trigger>
          <Select.Content>
            {[...new Set([...def.values, value.text].filter((v) => v !== ""))].map((v) => (
              <Select.Item key={v} value={v}>
                {v}
              </Select.Item>
            ))}
          </Select.Content>
        </Select>
      </div>
    )
  }
  if (type === "date") {
    const preset =
      value.kind === "relative" ? (RELATIVE_PRESETS.some((p) => p.value === value.text) ? value.text : "custom") : "exact"
    return (
      <span className="flex items-center gap-x-1">
        <div className="w-36">
          <Select
            size="small"
            value={preset}
            onValueChange={(v) =>
              onChange(
                v === "exact"
                  ? { kind: "string", text: new Date().toISOString().slice(0, 10) }
                  : v === "custom"
                    ? { kind: "relative", text: value.kind === "relative" ? value.text : "-14d" }
                    : { kind: "relative", text: v }
              )
            }
          >
            <Select.Trigger aria-label={`${label} (date)`}>
              <Select.Value />
            </Select.Trigger>
            <Select.Content>
              {RELATIVE_PRESETS.map((p) => (
                <Select.Item key={p.value} value={p.value}>
                  {p.label}
                </Select.Item>
              ))}
              <Select.Item value="custom">Custom (e.g. -14d, -48h)</Select.Item>
              <Select.Item value="exact">Exact date</Select.Item>
            </Select.Content>
          </Select>
        </div>
        {preset === "custom" && value.kind === "relative" && (
          <Input
            size="small"
            className="w-24"
            aria-label={`${label} (relative)`}
            value={value.text}
            onChange={(e) => onChange({ kind: "relative", text: e.target.value.trim() })}
          />
        )}
        {preset === "exact" && value.kind === "string" && (
          <Input
            size="small"
            className="w-44"
            aria-label={`${label} (ISO date, UTC)`}
            placeholder="2026-01-31"
            value={value.text}
            onChange={(e) => onChange({ kind: "string", text: e.target.value.trim() })}
          />
        )}
      </span>
    )
  }
  const numeric = value.kind === "number" || value.kind === "decimal"
  const text = "text" in value ? value.text : ""
  return (
    <Input
      size="small"
      className={numeric ? "w-28" : "w-44"}
      aria-label={label}
      inputMode={numeric ? "decimal" : undefined}
      placeholder={type === "money" ? "0.00" : numeric ? "0" : "value"}
      value={text}
      onChange={(e) => onChange(numeric ? typedNumber(e.target.value) : ({ ...value, text: e.target.value } as ValueDraft))}
    />
  )
}

function EventHead(ctx: Ctx & { node: EventNode }) {
  const { node, catalog } = ctx
  const { update } = useEdit(ctx)
  const set = (patch: Partial<EventNode>) => update(node.id, (n) => ({ ...(n as EventNode), ...patch }))
  const types = [...new Set([...catalog.event_types, node.event].filter(Boolean))]
  const counted = node.measure === "count" || node.measure === "sum"
  return (
    <>
      <div className="w-44">
        <Select size="small" value={node.event} onValueChange={(v) => set({ event: v })}>
          <Select.Trigger aria-label="Event type">
            <Select.Value />
          </Select.Trigger>
          <Select.Content>
            {types.map((t) => (
              <Select.Item key={t} value={t}>
                {t}
              </Select.Item>
            ))}
          </Select.Content>
        </Select>
      </div>
      <div className="w-36">
        <Select
          size="small"
          value={node.measure}
          onValueChange={(v) =>
            set({
              measure: v as EventNode["measure"],
              values: v === "count" || v === "sum" ? (node.values.length ? node.values : [{ kind: "number", text: "1" }]) : [],
            })
          }
        >
          <Select.Trigger aria-label="Measure">
            <Select.Value />
          </Select.Trigger>
          <Select.Content>
            <Select.Item value="count">count</Select.Item>
            <Select.Item value="sum">sum of property</Select.Item>
            <Select.Item value="exists">happened</Select.Item>
            <Select.Item value="none">did not happen</Select.Item>
          </Select.Content>
        </Select>
      </div>
      {node.measure === "sum" && (
        <Input
          size="small"
          className="w-32"
          aria-label="Property to sum"
          placeholder="property"
          value={node.property}
          onChange={(e) => set({ property: e.target.value.trim() })}
        />
      )}
      {counted && (
        <>
          <div className="w-36">
            <Select
              size="small"
              value={node.op}
              onValueChange={(v) => {
                const one = node.values[0] ?? { kind: "number", text: "1" }
                set({ op: v as EventNode["op"], values: v === "between" ? [one, node.values[1] ?? one] : [one] })
              }}
            >
              <Select.Trigger aria-label="Count operator">
                <Select.Value />
              </Select.Trigger>
              <Select.Content>
                {CMP_OPS.map((op) => (
                  <Select.Item key={op} value={op}>
                    {OP_LABELS[op]}
                  </Select.Item>
                ))}
              </Select.Content>
            </Select>
          </div>
          {node.values.map((v, i) => (
            <Input
              key={i}
              size="small"
              className="w-24"
              inputMode="decimal"
              aria-label={`Event value${node.values.length > 1 ? ` ${i + 1}` : ""}`}
              value={v.kind === "boolean" ? "" : v.text}
              onChange={(e) =>
                set({ values: node.values.map((x, j) => (j === i ? typedNumber(e.target.value) : x)) })
              }
            />
          ))}
        </>
      )}
      <Text size="small" className="text-ui-fg-subtle">
        in the last
      </Text>
      <Input
        size="small"
        className="w-20"
        inputMode="numeric"
        aria-label="Window length"
        value={node.window.amount}
        onChange={(e) => set({ window: { ...node.window, amount: e.target.value.trim() } })}
      />
      <div className="w-28">
        <Select size="small" value={node.window.unit} onValueChange={(v) => set({ window: { ...node.window, unit: v as WindowUnit } })}>
          <Select.Trigger aria-label="Window unit">
            <Select.Value />
          </Select.Trigger>
          <Select.Content>
            <Select.Item value="m">minutes</Select.Item>
            <Select.Item value="h">hours</Select.Item>
            <Select.Item value="d">days</Select.Item>
            <Select.Item value="w">weeks</Select.Item>
          </Select.Content>
        </Select>
      </div>
    </>
  )
}

/** The event's property filters ("where category = 'shoes'"). */
function EventDetails(ctx: Ctx & { node: EventNode }) {
  const { node } = ctx
  const { update } = useEdit(ctx)
  const setWhere = (where: FilterDraft[]) => update(node.id, (n) => ({ ...(n as EventNode), where }))
  const setFilter = (id: string, patch: Partial<FilterDraft>) => setWhere(node.where.map((f) => (f.id === id ? { ...f, ...patch } : f)))
  return (
    <div className="ml-4 flex flex-col gap-y-1">
      {node.where.map((f) => {
        const kind = f.values[0]?.kind === "number" ? "number" : f.values[0]?.kind === "boolean" ? "boolean" : "string"
        return (
          <div key={f.id} className="flex flex-wrap items-center gap-2" data-testid="event-filter">
            <Text size="small" className="text-ui-fg-subtle">
              where
            </Text>
            <Input
              size="small"
              className="w-32"
              aria-label="Filter property"
              placeholder="property"
              value={f.property}
              onChange={(e) => setFilter(f.id, { property: e.target.value.trim() })}
            />
            <div className="w-32">
              <Select size="small" value={f.op} onValueChange={(v) => setFilter(f.id, { op: v as PropertyOp, values: f.values.slice(0, v === "in" || v === "not_in" ? undefined : 1) })}>
                <Select.Trigger aria-label="Filter operator">
                  <Select.Value />
                </Select.Trigger>
                <Select.Content>
                  {(ctx.catalog.property_operators as PropertyOp[]).map((op) => (
                    <Select.Item key={op} value={op}>
                      {OP_LABELS[op] ?? op}
                    </Select.Item>
                  ))}
                </Select.Content>
              </Select>
            </div>
            <div className="w-28">
              <Select
                size="small"
                value={kind}
                onValueChange={(v) =>
                  setFilter(f.id, {
                    values: f.values.map(
                      (x): ValueDraft =>
                        v === "boolean"
                          ? { kind: "boolean", value: true }
                          : { kind: v as "number" | "string", text: x.kind === "boolean" ? "" : x.text }
                    ),
                  })
                }
              >
                <Select.Trigger aria-label="Filter value type">
                  <Select.Value />
                </Select.Trigger>
                <Select.Content>
                  <Select.Item value="string">text</Select.Item>
                  <Select.Item value="number">number</Select.Item>
                  {f.op !== "in" && f.op !== "not_in" && <Select.Item value="boolean">yes/no</Select.Item>}
                </Select.Content>
              </Select>
            </div>
            {f.values.map((v, i) => (
              <ValueInput
                key={i}
                def={kind === "boolean" ? { name: "", label: "", type: "boolean" } : undefined}
                value={v}
                label={`Filter value${f.values.length > 1 ? ` ${i + 1}` : ""}`}
                onChange={(nv) => setFilter(f.id, { values: f.values.map((x, j) => (j === i ? nv : x)) })}
              />
            ))}
            {(f.op === "in" || f.op === "not_in") && (
              <Button
                size="small"
                variant="transparent"
                type="button"
                onClick={() => setFilter(f.id, { values: [...f.values, kind === "number" ? { kind: "number", text: "0" } : { kind: "string", text: "" }] })}
              >
                <PlusMini /> Value
              </Button>
            )}
            <IconButton size="small" variant="transparent" type="button" aria-label="Remove filter" onClick={() => setWhere(node.where.filter((x) => x.id !== f.id))}>
              <XMarkMini />
            </IconButton>
            <ErrorText errors={errorsFor(ctx, f.id)} />
          </div>
        )
      })}
      <div>
        <Button
          size="small"
          variant="transparent"
          type="button"
          onClick={() => setWhere([...node.where, { id: ctx.nextId(), property: "", op: "=", values: [{ kind: "string", text: "" }] }])}
        >
          <PlusMini /> Property filter
        </Button>
      </div>
    </div>
  )
}
