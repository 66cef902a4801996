import type { Trace } from "../rules"

type Leaf = Extract<Trace, { text: string }>

/**
 * A one-line reason from an evaluation trace: the conditions that decided the result, with the subject's
 * values, e.g. "orders_count >= 3 (was 3)". Stored on membership rows and shown in the admin.
 */
export function summarizeTrace(trace: Trace, maxLength = 500): string {
  const parts = deciding(trace).map(describe)
  const text = parts.join("; ") || (trace.pass ? "matched" : "did not match")
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text
}

/** The leaves that decided the node's value: for AND/OR the children that agree with the result. */
function deciding(trace: Trace): Leaf[] {
  if (trace.type === "and" || trace.type === "or") {
    return trace.children.filter((c) => c.pass === trace.pass).flatMap(deciding)
  }
  if (trace.type === "not") return deciding(trace.child)
  return [trace as Leaf]
}

function describe(leaf: Leaf): string {
  const verdict = leaf.pass ? "" : "not "
  switch (leaf.type) {
    case "trait":
      return `${verdict}${leaf.text} (was ${show(leaf.actual)})`
    case "event":
      return `${verdict}${leaf.text} (was ${leaf.actual})`
    case "segment":
      return `${verdict}${leaf.text}`
    case "consent":
      return `${verdict}${leaf.text} (was ${leaf.actual ?? "unset"})`
  }
}

function show(v: unknown): string {
  if (v === null || v === undefined) return "null"
  if (Array.isArray(v)) return `[${v.slice(0, 5).map(show).join(", ")}${v.length > 5 ? ", …" : ""}]`
  return typeof v === "string" ? v : JSON.stringify(v)
}
