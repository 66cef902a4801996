// Computes and upserts the profile of every customer in batches: at install / first run (customers that predate
// the plugin have no profile yet) and after the demo seed, which writes orders without events. Each batch also
// reconciles the customers' order and cart facts (core/behaviour), the same rows the real-time refresh writes.
import { generateEntityId, Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService, MedusaContainer } from "@medusajs/framework/types"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type PersonalizationModuleService from "../../modules/personalization/service"
import { sql } from "../db/raw-sql"
import { loadCustomerFacts, loadDefaultCurrency } from "../profile/load-facts"
import { buildProfileTraits, type ProfileTraits } from "../profile/build-profile"
import { reconcileServerFacts } from "../../core/behaviour"
import { factBatchWriteSql, planFactWrite, readStoredFacts, type FactWrite } from "../behaviour/server-facts"
import { inTransaction } from "../db/transaction"

export type BackfillOptions = {
  batchSize?: number
  now?: Date
  /** Only customers without a profile (the scheduled first-run check). */
  onlyMissing?: boolean
}

/** Counts and where the time went (reading Medusa's facts vs writing profiles), for logs and tuning. */
export type BackfillResult = {
  customers: number
  upserted: number
  batches: number
  ms: number
  facts_ms: number
  write_ms: number
  /** Order and cart facts written (new or changed) and removed. */
  behaviour: { written: number; removed: number }
}

export async function backfillProfiles(container: MedusaContainer, opts: BackfillOptions = {}): Promise<BackfillResult> {
  const started = Date.now()
  const batchSize = opts.batchSize ?? 500
  const now = opts.now ?? new Date()
  const service: PersonalizationModuleService = container.resolve(PERSONALIZATION_MODULE)
  const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
  const options = service.getOptions()
  const currency = await loadDefaultCurrency(container)
  const traitOpts = {
    currency,
    now,
    abandonmentMinutes: options.abandonmentMinutes,
    catalog: service.getCatalog(),
    metadataTraits: Object.keys(options.metadataTraits),
  }

  let after: string | null = null
  let seen = 0
  let upserted = 0
  let batches = 0
  let factsMs = 0
  let writeMs = 0
  const behaviour = { written: 0, removed: 0 }
  for (;;) {
    // Keyset pagination by id: stable while customers are added concurrently.
    const filters = (after ? { id: { $gt: after } } : {}) as Parameters<ICustomerModuleService["listCustomers"]>[0]
    const page = await customers.listCustomers(filters, {
      select: ["id"],
      order: { id: "ASC" },
      take: batchSize,
    })
    if (!page.length) break
    after = page[page.length - 1].id
    seen += page.length
    let ids = page.map((c) => c.id)
    if (opts.onlyMissing) {
      const have = await sql<{ customer_id: string }>(
        container,
        `SELECT customer_id FROM personalization_customer_profile WHERE customer_id = ANY($1::text[]) AND deleted_at IS NULL`,
        [ids]
      )
      const known = new Set(have.map((r) => r.customer_id))
      ids = ids.filter((id) => !known.has(id))
    }
    if (ids.length) {
      let t = Date.now()
      const facts = await loadCustomerFacts(container, ids)
      factsMs += Date.now() - t
      const rows = [...facts.values()].map((f) => {
        const { traits, cartsChangeAt } = buildProfileTraits(f, traitOpts)
        return toRow(traits, cartsChangeAt)
      })
      t = Date.now()
      const profileOf = await upsertProfiles(container, rows)
      upserted += profileOf.size
      const stored = await readStoredFacts(container, [...facts.keys()])
      const writes: FactWrite[] = []
      for (const [customerId, f] of facts) {
        const profileId = profileOf.get(customerId)
        if (!profileId) continue
        const recorded = stored.get(customerId) ?? []
        const changes = reconcileServerFacts({ orders: f.orders, carts: f.carts, stored: recorded, currency, now })
        const w = planFactWrite(profileId, changes, recorded, now)
        if (w) writes.push(w)
      }
      if (writes.length) {
        await inTransaction(container, async (run) => {
          for (const s of factBatchWriteSql(writes)) await run(s.text, s.values)
        })
        behaviour.written += writes.reduce((n, w) => n + w.upsert.length, 0)
        behaviour.removed += writes.reduce((n, w) => n + w.remove.length, 0)
      }
      writeMs += Date.now() - t
      batches++
    }
    if (page.length < batchSize) break
  }
  return { customers: seen, upserted, batches, ms: Date.now() - started, facts_ms: factsMs, write_ms: writeMs, behaviour }
}

type Row = Record<string, unknown>

function toRow(t: ProfileTraits, cartsChangeAt: Date | null): Row {
  const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null)
  return {
    id: generateEntityId(undefined, "pprof"),
    customer_id: t.customer_id,
    orders_count: t.orders_count,
    total_spent: t.total_spent,
    aov: t.aov,
    currency_code: t.currency_code,
    first_order_at: iso(t.first_order_at),
    last_order_at: iso(t.last_order_at),
    carts_created: t.carts_created,
    carts_abandoned: t.carts_abandoned,
    abandonment_rate: t.abandonment_rate,
    country: t.country,
    has_account: t.has_account,
    email_domain: t.email_domain,
    customer_created_at: iso(t.customer_created_at),
    traits: t.traits,
    carts_change_at: iso(cartsChangeAt),
  }
}

/**
 * One INSERT … ON CONFLICT for the whole batch (rows travel as one jsonb parameter). The jsonb traits are merged
 * so keys other features own survive, as in the real-time upsert; money keeps its exact `raw_*` twin the way DML
 * bigNumber columns store it. next_change_at is only ever lowered (to the next cart-abandonment instant): the
 * minute job then recomputes it exactly.
 */
async function upsertProfiles(container: MedusaContainer, rows: Row[]): Promise<Map<string, string>> {
  if (!rows.length) return new Map()
  const result = await sql<{ id: string; customer_id: string }>(
    container,
    `INSERT INTO personalization_customer_profile AS p
       (id, customer_id, orders_count, total_spent, raw_total_spent, aov, raw_aov, currency_code, first_order_at,
        last_order_at, carts_created, carts_abandoned, abandonment_rate, country, has_account, email_domain,
        customer_created_at, traits, next_change_at, created_at, updated_at)
     SELECT r.id, r.customer_id, r.orders_count, r.total_spent::numeric,
            jsonb_build_object('value', r.total_spent, 'precision', 20), r.aov::numeric,
            jsonb_build_object('value', r.aov, 'precision', 20), r.currency_code, r.first_order_at, r.last_order_at,
            r.carts_created, r.carts_abandoned, r.abandonment_rate, r.country, r.has_account, r.email_domain,
            r.customer_created_at, r.traits, r.carts_change_at, now(), now()
       FROM jsonb_to_recordset($1::jsonb) AS r(
            id text, customer_id text, orders_count int, total_spent text, aov text, currency_code text,
            first_order_at timestamptz, last_order_at timestamptz, carts_created int, carts_abandoned int,
            abandonment_rate real, country text, has_account boolean, email_domain text,
            customer_created_at timestamptz, traits jsonb, carts_change_at timestamptz)
     ON CONFLICT (customer_id) WHERE customer_id IS NOT NULL AND deleted_at IS NULL DO UPDATE SET
       orders_count = EXCLUDED.orders_count, total_spent = EXCLUDED.total_spent,
       raw_total_spent = EXCLUDED.raw_total_spent, aov = EXCLUDED.aov, raw_aov = EXCLUDED.raw_aov,
       currency_code = EXCLUDED.currency_code, first_order_at = EXCLUDED.first_order_at,
       last_order_at = EXCLUDED.last_order_at, carts_created = EXCLUDED.carts_created,
       carts_abandoned = EXCLUDED.carts_abandoned, abandonment_rate = EXCLUDED.abandonment_rate,
       country = EXCLUDED.country, has_account = EXCLUDED.has_account, email_domain = EXCLUDED.email_domain,
       customer_created_at = EXCLUDED.customer_created_at, traits = p.traits || EXCLUDED.traits,
       next_change_at = CASE WHEN EXCLUDED.next_change_at IS NULL THEN p.next_change_at
                             ELSE LEAST(COALESCE(p.next_change_at, EXCLUDED.next_change_at), EXCLUDED.next_change_at) END,
       updated_at = now()
     RETURNING p.id, p.customer_id`,
    [JSON.stringify(rows)]
  )
  return new Map(result.map((r) => [r.customer_id, r.id]))
}
