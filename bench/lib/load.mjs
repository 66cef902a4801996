// The load generator, run as a separate process by bench/run.mjs (so its CPU is not the server's event loop).
// Reads a JSON spec on stdin, runs autocannon, prints one JSON line: exact p50/p95/p99 from every response time.
import autocannon from "autocannon"

const spec = JSON.parse(await new Promise((resolve) => {
  let s = ""
  process.stdin.on("data", (d) => (s += d))
  process.stdin.on("end", () => resolve(s))
}))

const times = []
let seq = 0
const visitor = () => `bench_v_${1 + Math.floor(Math.random() * spec.visitors)}`
const headers = { "x-publishable-api-key": spec.pk, "content-type": "application/json" }
const request =
  spec.kind === "events"
    ? {
        method: "POST",
        path: spec.path,
        setupRequest: (req) => {
          const n = ++seq
          const events = Array.from({ length: spec.batch }, (_, i) => ({
            id: `ld-${process.pid}-${n}-${i}`,
            type: "product_viewed",
            properties: { category: ["sofas", "chairs", "lamps"][i % 3], product_id: `prod_${i}` },
          }))
          return { ...req, headers: { ...headers, "x-visitor-id": visitor() }, body: JSON.stringify({ events }) }
        },
      }
    : {
        method: "GET",
        path: spec.path,
        setupRequest: (req) => ({ ...req, headers: spec.visitorHeader ? { ...headers, "x-visitor-id": visitor() } : headers }),
      }

const started = Date.now()
const instance = autocannon({ url: spec.base, connections: spec.connections, duration: spec.duration, requests: [request] })
instance.on("response", (_client, _status, _bytes, responseTime) => times.push(responseTime))
const result = await new Promise((resolve, reject) => {
  instance.on("done", resolve)
  instance.on("error", reject)
})
const seconds = (Date.now() - started) / 1000
const sorted = times.sort((a, b) => a - b)
const p = (q) => (sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(1)) : null)
console.log(
  JSON.stringify({
    path: spec.path,
    requests: result.requests.total,
    rps: Number((result.requests.total / seconds).toFixed(1)),
    seconds,
    p50: p(0.5),
    p95: p(0.95),
    p99: p(0.99),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })
)
