import { Badge, Text } from "@medusajs/ui"
import type { Trace } from "../../core/rules/evaluate"

function show(v: unknown): string {
  if (v === null || v === undefined) return "unknown"
  if (typeof v === "string") return v
  return JSON.stringify(v)
}

function PassFail({ pass }: { pass: boolean }) {
  return (
    <Badge size="2xsmall" color={pass ? "green" : "red"} data-testid="trace-result">
      {pass ? "pass" : "fail"}
    </Badge>
  )
}

/** The evaluator's trace as a tree: every condition with the customer's value and whether it passed. */
export function ExplainTrace({ trace }: { trace: Trace }) {
  if (trace.type === "and" || trace.type === "or") {
    return (
      <div className="flex flex-col gap-y-1" role="group">
        <div className="flex items-center gap-x-2">
          <Text size="small" weight="plus">
            {trace.type === "and" ? "ALL of" : "ANY of"}
          </Text>
          <PassFail pass={trace.pass} />
        </div>
        <ul className="ml-3 flex flex-col gap-y-1 border-l border-ui-border-base pl-3">
          {trace.children.map((c, i) => (
            <li key={i}>
              <ExplainTrace trace={c} />
            </li>
          ))}
        </ul>
      </div>
    )
  }
  if (trace.type === "not") {
    return (
      <div className="flex flex-col gap-y-1">
        <div className="flex items-center gap-x-2">
          <Text size="small" weight="plus">
            NOT
          </Text>
          <PassFail pass={trace.pass} />
        </div>
        <div className="ml-3 border-l border-ui-border-base pl-3">
          <ExplainTrace trace={trace.child} />
        </div>
      </div>
    )
  }
  return <ConditionTrace trace={trace as ConditionTraceT} />
}

type ConditionTraceT = Exclude<Trace, { type: "and" | "or" } | { type: "not" }>

function ConditionTrace({ trace }: { trace: ConditionTraceT }) {
  const actual =
    trace.type === "event"
      ? `${show(trace.actual)} (${trace.window.from.slice(0, 10)} → ${trace.window.to.slice(0, 10)})`
      : show(trace.actual)
  const expected = "expected" in trace && trace.expected !== undefined ? show(trace.expected) : null
  return (
    <div className="flex flex-col" data-testid="trace-condition">
      <div className="flex items-center gap-x-2">
        <code className="txt-compact-small font-mono">{trace.text}</code>
        <PassFail pass={trace.pass} />
      </div>
      <Text size="xsmall" className="text-ui-fg-subtle">
        value: <span data-testid="trace-actual">{actual}</span>
        {expected !== null ? ` · compared with ${expected}` : ""}
      </Text>
    </div>
  )
}
