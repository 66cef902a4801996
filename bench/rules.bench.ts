/**
 * Micro-benchmark of the rule engine (not a test; no assertions). Run:
 *   npx ts-node bench/rules.bench.ts
 * Prints evaluations per second of a 20-condition rule and the parse time of a 100-node rule.
 */
import os from "node:os"
import { compileSql, evaluate, format, matches, nextChange, parse, validateRule, Rule, Subject } from "../src/core/rules"

const NOW = new Date("2026-03-15T10:20:30.000Z")
const T = NOW.getTime()

function bench(name: string, fn: () => void, minMs = 1500): { perSec: number; usPerOp: number } {
  for (let i = 0; i < 200; i++) fn() // warm-up
  let n = 0
  const start = process.hrtime.bigint()
  let elapsed = 0
  while (elapsed < minMs) {
    for (let i = 0; i < 100; i++) fn()
    n += 100
    elapsed = Number(process.hrtime.bigint() - start) / 1e6
  }
  const perSec = (n / elapsed) * 1000
  const usPerOp = (elapsed * 1000) / n
  console.log(`${name.padEnd(58)} ${Math.round(perSec).toLocaleString("en-US").padStart(12)} ops/s ${usPerOp.toFixed(2).padStart(10)} µs/op`)
  return { perSec, usPerOp }
}

// A 20-condition rule mixing every kind of condition.
const RULE20 = [
  "orders_count >= 3",
  "total_spent BETWEEN 100 AND 5000",
  "aov > '49.99'",
  "last_order_at < -30d",
  "first_order_at > '2020-01-01'",
  "country IN ('DE', 'AT', 'CH', 'NL', 'BE')",
  "email_domain != 'example.com'",
  "has_account = true",
  "tags CONTAINS 'newsletter'",
  "categories_bought IN ('shoes', 'bags')",
  "abandonment_rate < 0.5",
  "rfm_r >= 3",
  "churn_risk <= 0.7",
  "last_seen_at >= -7d",
  "event('product_viewed', category = 'electronics').count(last 24h) >= 3",
  "event('order_placed').sum(amount, last 90d) > 100",
  "event('cart_item_added', price > 20).exists(last 7d)",
  "NOT event('checkout_started').exists(last 1h)",
  "NOT segment('churned')",
  "consent('marketing')",
]
const rule20 = validate(RULE20.join(" AND "))

const subject: Subject = {
  traits: {
    orders_count: 7,
    total_spent: "1234.56",
    aov: "176.37",
    last_order_at: new Date(T - 45 * 86_400_000),
    first_order_at: new Date("2021-05-01T00:00:00Z"),
    country: "DE",
    email_domain: "shop.de",
    has_account: true,
    tags: ["newsletter", "vip"],
    categories_bought: ["shoes", "hats"],
    abandonment_rate: 0.25,
    rfm_r: 4,
    churn_risk: 0.2,
    last_seen_at: new Date(T - 3_600_000),
  },
  events: Array.from({ length: 50 }, (_, i) => ({
    type: ["product_viewed", "order_placed", "cart_item_added", "page_viewed"][i % 4],
    properties: { category: i % 3 ? "electronics" : "books", amount: 19.99 + i, price: 10 + i },
    occurred_at: new Date(T - i * 3_600_000),
  })),
  segments: ["vip"],
  consent: { marketing: "granted" },
}

// A 100-node rule: OR of 16 AND-groups of 5 conditions plus 3 conditions: 1 + 16 × 6 + 3 = 100 nodes.
function rule100Text(): string {
  const conds = [
    "orders_count >= 3",
    "country IN ('DE', 'AT')",
    "event('product_viewed', category = 'electronics').count(last 24h) >= 3",
    "last_order_at < -30d",
  ]
  const groups: string[] = []
  for (let i = 0; i < 16; i++) groups.push(`(${conds.join(" AND ")} AND total_spent > ${i})`)
  let text = groups.join(" OR ")
  text += " OR consent('marketing') OR segment('vip') OR email_domain IS NULL"
  return text
}
const TEXT100 = rule100Text()
const rule100 = validate(TEXT100)

function validate(text: string): Rule {
  const v = validateRule(parse(text))
  if (!v.ok) throw new Error(JSON.stringify(v.errors))
  return v.rule
}
function countNodes(r: Rule): number {
  if (r.type === "and" || r.type === "or") return 1 + r.rules.reduce((n, c) => n + countNodes(c), 0)
  if (r.type === "not") return 1 + countNodes(r.rule)
  return 1
}

console.log(`Rule engine micro-benchmark — ${new Date().toISOString()}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`)
console.log(`node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "unknown cpu"}`)
console.log(`20-condition rule: ${countNodes(rule20)} nodes, matches=${matches(rule20, subject, NOW)}; subject with ${subject.events.length} events`)
console.log(`100-node rule: ${countNodes(rule100)} nodes, ${TEXT100.length} characters of text\n`)

bench("evaluate(20-condition rule) with trace", () => evaluate(rule20, subject, NOW))
bench("matches(20-condition rule), no trace, short-circuit", () => matches(rule20, subject, NOW))
bench("parse(100-node rule text)", () => parse(TEXT100))
bench("parse + validateRule(100-node rule)", () => validateRule(parse(TEXT100)))
bench("format(100-node rule)", () => format(rule100))
bench("compileSql(100-node rule)", () => compileSql(rule100, NOW))
bench("nextChange(20-condition rule)", () => nextChange(rule20, subject, NOW))
