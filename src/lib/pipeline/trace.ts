// Opt-in timing of the real-time path, for the benchmark (bench/run.mjs) and for profiling a store: with
// MP_PIPELINE_TRACE=<file>, every customer refresh started by a subscriber appends one JSON line to <file>:
// the event's emission and publication times (from the event bus metadata), the subscriber's receipt, and the
// start/end of each pipeline step, all as epoch milliseconds with sub-millisecond precision (comparable across
// processes on one machine). Without the variable every call is a no-op.
import fs from "node:fs"

const FILE = process.env.MP_PIPELINE_TRACE || ""
export const tracing = FILE !== ""

type Trace = {
  key: string
  event?: string
  emitted_at?: number
  published_at?: number
  marks: Array<[string, number]>
  /** CPU time this whole process used between receipt and done (ms; includes anything else it ran meanwhile). */
  cpu_ms?: number
  cpu0?: NodeJS.CpuUsage
}
const open = new Map<string, Trace>()

/** Epoch milliseconds with sub-millisecond precision. */
const nowMs = () => performance.timeOrigin + performance.now()
const epoch = (v: unknown) => (v ? new Date(v as string).getTime() : undefined)

/** A subscriber received `event` for `key` (a customer id). */
export function traceStart(key: string, event?: { name?: string; metadata?: Record<string, unknown> }): void {
  if (!tracing) return
  open.set(key, {
    key,
    event: event?.name,
    emitted_at: epoch(event?.metadata?.created_at),
    published_at: epoch(event?.metadata?.published_at),
    marks: [["received", nowMs()]],
    cpu0: process.cpuUsage(),
  })
}

/** A point inside the run for `key` (ignored when no trace is open for it). */
export function traceMark(key: string | null | undefined, name: string, at?: number): void {
  if (!tracing || !key) return
  open.get(key)?.marks.push([name, at ?? nowMs()])
}

/** The current time as traceMark records it (to mark a point once the key is known). */
export const traceNow = (): number => (tracing ? nowMs() : 0)

/** Closes the trace for `key` and appends it to the trace file. */
export function traceEnd(key: string): void {
  if (!tracing) return
  const t = open.get(key)
  if (!t) return
  open.delete(key)
  t.marks.push(["done", nowMs()])
  if (t.cpu0) {
    const used = process.cpuUsage(t.cpu0)
    t.cpu_ms = (used.user + used.system) / 1000
    delete t.cpu0
  }
  try {
    fs.appendFileSync(FILE, JSON.stringify(t) + "\n")
  } catch {
    // tracing must never break the pipeline
  }
}
