// Read-only: everything uninstalling the plugin would remove or change in this store, for the dry run (and re-read by
// the uninstall workflow's steps when they run). Nothing here writes.
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService, IPricingModuleService, IPromotionModuleService } from "@medusajs/framework/types"
import { describeGroupRuleChange, planGroupRuleChange, type GroupRuleChange } from "../../core/uninstall/group-rules"
import { isHoldoutMarker } from "../experiments/holdout-rule"
import { GROUP_RULE_ATTRIBUTE } from "../gated-offers"
import { isManagedGroup } from "../managed-group"
import { sql } from "../db/raw-sql"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import { MIGRATIONS_TABLE, pluginMigrationNames, pluginTables } from "./tables"

type Resolver = { resolve<T = unknown>(key: string): T }

export const PROMOTION_STATUS_WHEN_UNGATED = "inactive"
export const PRICE_LIST_STATUS_WHEN_UNGATED = "draft"

export type PromotionRuleChange = {
  promotion_id: string
  code: string | null
  status: string
  rule_id: string
  operator: string
  values: string[]
  change: GroupRuleChange
}

export type PriceListRuleChange = {
  price_list_id: string
  title: string | null
  status: string
  values: string[]
  change: GroupRuleChange
}

export type UninstallPlan = {
  segments: { id: string; handle: string; status: string }[]
  /** live managed customer groups: soft-deleted, as the admin's own "delete" does */
  groups: { id: string; name: string; segment_handle: string | null; members: number }[]
  /** every group the plugin ever managed (live or already deleted): their ids are removed from offers' rules */
  our_group_ids: string[]
  promotions: PromotionRuleChange[]
  price_lists: PriceListRuleChange[]
  /** the module's tables that exist here, with their row counts: dropped */
  tables: { name: string; rows: number }[]
  /** the module's migration records in mikro_orm_migrations: deleted, so a reinstall migrates from scratch */
  migrations: string[]
  /** tables named personalization_* that are not the module's: left alone, listed so nobody is surprised */
  other_tables: string[]
}

/** Every customer group the plugin manages or managed (soft-deleted ones included), with the live ones' names. */
export async function ourGroups(container: Resolver) {
  const customers = container.resolve<ICustomerModuleService>(Modules.CUSTOMER)
  const all = await customers.listCustomerGroups(
    {},
    { select: ["id", "name", "metadata", "deleted_at"], withDeleted: true, take: null }
  )
  const ours = all.filter((g) => isManagedGroup(g.metadata as Record<string, unknown> | null))
  return {
    all: ours.map((g) => g.id),
    live: ours
      .filter((g) => !(g as { deleted_at?: unknown }).deleted_at)
      .map((g) => {
        const handle = (g.metadata as Record<string, unknown> | null)?.segment_handle
        return { id: g.id, name: g.name ?? g.id, segment_handle: typeof handle === "string" ? handle : null }
      }),
  }
}

export const isOursFor = (groupIds: string[]) => {
  const set = new Set(groupIds)
  return (value: string) => set.has(value) || isHoldoutMarker(value)
}

/** Group rules of promotions that name one of ours (or a holdout marker), with what uninstalling does to each. */
export async function promotionRuleChanges(container: Resolver, ourGroupIds: string[]): Promise<PromotionRuleChange[]> {
  const promotions = container.resolve<IPromotionModuleService>(Modules.PROMOTION)
  const rules = await promotions.listPromotionRules({ attribute: GROUP_RULE_ATTRIBUTE } as Record<string, unknown>, {
    relations: ["values", "promotions"],
    take: null,
  })
  const isOurs = isOursFor(ourGroupIds)
  const out: PromotionRuleChange[] = []
  for (const rule of rules) {
    const values = (rule.values ?? []).map((v) => v.value).filter((v): v is string => typeof v === "string" && !!v)
    for (const p of (rule as { promotions?: { id: string; code?: string | null; status?: string; deleted_at?: unknown }[] }).promotions ?? []) {
      if (p.deleted_at) continue
      const status = p.status ?? "draft"
      const change = planGroupRuleChange({ operator: String(rule.operator), values }, isOurs, status === "active")
      if (change.kind === "none") continue
      out.push({ promotion_id: p.id, code: p.code ?? null, status, rule_id: rule.id, operator: String(rule.operator), values, change })
    }
  }
  return out.sort((a, b) => a.promotion_id.localeCompare(b.promotion_id) || a.rule_id.localeCompare(b.rule_id))
}

/** Price lists whose group rule names one of ours, with what uninstalling does to each (a price list rule is an `in`). */
export async function priceListRuleChanges(container: Resolver, ourGroupIds: string[]): Promise<PriceListRuleChange[]> {
  const pricing = container.resolve<IPricingModuleService>(Modules.PRICING)
  const rules = await pricing.listPriceListRules({ attribute: GROUP_RULE_ATTRIBUTE } as Record<string, unknown>, {
    relations: ["price_list"],
    take: null,
  })
  const isOurs = isOursFor(ourGroupIds)
  const out: PriceListRuleChange[] = []
  for (const rule of rules) {
    const list = (rule as { price_list?: { id: string; title?: string | null; status?: string; deleted_at?: unknown } }).price_list
    if (!list || list.deleted_at) continue
    const values = (Array.isArray(rule.value) ? rule.value : [rule.value]).filter((v): v is string => typeof v === "string" && !!v)
    const status = list.status ?? "draft"
    const change = planGroupRuleChange({ operator: "in", values }, isOurs, status === "active")
    if (change.kind === "none") continue
    out.push({ price_list_id: list.id, title: list.title ?? null, status, values, change })
  }
  return out.sort((a, b) => a.price_list_id.localeCompare(b.price_list_id))
}

async function existingTables(container: Resolver) {
  const rows = await sql<{ table_name: string }>(
    container,
    `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'personalization\\_%' ORDER BY 1`
  )
  const ours = new Set(pluginTables())
  const names = rows.map((r) => r.table_name)
  return { ours: names.filter((n) => ours.has(n)), other: names.filter((n) => !ours.has(n)) }
}

export async function recordedMigrations(container: Resolver): Promise<string[]> {
  const [exists] = await sql<{ ok: boolean }>(
    container,
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1) AS ok`,
    [MIGRATIONS_TABLE]
  )
  if (!exists?.ok) return []
  const rows = await sql<{ name: string }>(container, `SELECT name FROM ${MIGRATIONS_TABLE} WHERE name = ANY($1::text[]) ORDER BY name`, [
    pluginMigrationNames(),
  ])
  return rows.map((r) => r.name)
}

export async function planUninstall(container: Resolver): Promise<UninstallPlan> {
  const groups = await ourGroups(container)
  const customers = container.resolve<ICustomerModuleService>(Modules.CUSTOMER)
  const links = groups.live.length
    ? await customers.listCustomerGroupCustomers({ customer_group_id: groups.live.map((g) => g.id) }, { select: ["customer_group_id"], take: null })
    : []
  const members = new Map<string, number>()
  for (const l of links as { customer_group_id: string }[]) members.set(l.customer_group_id, (members.get(l.customer_group_id) ?? 0) + 1)

  const tables = await existingTables(container)
  let segments: UninstallPlan["segments"] = []
  if (tables.ours.includes("personalization_segment")) {
    // through the module when it is loaded; the table may also be read directly (module removed from the config)
    try {
      const service = container.resolve<{ listSegments(f: object, c: object): Promise<{ id: string; handle: string; status: string }[]> }>(
        PERSONALIZATION_MODULE
      )
      segments = (await service.listSegments({}, { select: ["id", "handle", "status"], take: null, order: { handle: "ASC" } })).map(
        ({ id, handle, status }) => ({ id, handle, status })
      )
    } catch {
      segments = await sql(container, `SELECT id, handle, status FROM personalization_segment WHERE deleted_at IS NULL ORDER BY handle`)
    }
  }
  const counts: UninstallPlan["tables"] = []
  for (const name of tables.ours) {
    const [row] = await sql<{ n: number }>(container, `SELECT count(*)::int AS n FROM "${name}"`)
    counts.push({ name, rows: row.n })
  }
  return {
    segments,
    groups: groups.live.map((g) => ({ ...g, members: members.get(g.id) ?? 0 })),
    our_group_ids: groups.all.sort(),
    promotions: await promotionRuleChanges(container, groups.all),
    price_lists: await priceListRuleChanges(container, groups.all),
    tables: counts,
    migrations: await recordedMigrations(container),
    other_tables: tables.other,
  }
}

/** The dry run's report, one line per thing. */
export function formatPlan(plan: UninstallPlan): string[] {
  const lines: string[] = []
  const section = (title: string, items: string[], empty = "none") => {
    lines.push(`${title}: ${items.length ? items.length : empty}`)
    for (const i of items) lines.push(`  - ${i}`)
  }
  section(
    "Segments (removed with the tables)",
    plan.segments.map((s) => `${s.handle} (${s.id}, ${s.status})`)
  )
  section(
    "Managed customer groups to delete (soft delete, as the admin does; their customers stay)",
    plan.groups.map((g) => `${g.name} (${g.id}, segment ${g.segment_handle ?? "?"}, ${g.members} customer${g.members === 1 ? "" : "s"})`)
  )
  section(
    "WARNING — promotions whose customer-group rule names these groups",
    plan.promotions.map(
      (p) =>
        `${p.code ?? "(no code)"} (${p.promotion_id}, ${p.status}): rule ${p.rule_id} customer.groups.id ${p.operator} [${p.values.join(", ")}] → ` +
        describeGroupRuleChange(p.change, PROMOTION_STATUS_WHEN_UNGATED)
    )
  )
  section(
    "WARNING — price lists whose customer-group rule names these groups",
    plan.price_lists.map(
      (p) =>
        `${p.title ?? "(no title)"} (${p.price_list_id}, ${p.status}): customer.groups.id [${p.values.join(", ")}] → ` +
        describeGroupRuleChange(p.change, PRICE_LIST_STATUS_WHEN_UNGATED)
    )
  )
  section(
    "Tables to drop",
    plan.tables.map((t) => `${t.name} (${t.rows} row${t.rows === 1 ? "" : "s"})`)
  )
  section(`Migration records to delete from ${MIGRATIONS_TABLE}`, plan.migrations)
  if (plan.other_tables.length) section("Left alone (not the plugin's tables)", plan.other_tables)
  lines.push("Links: the plugin's module links are read-only (no link tables); they go when the plugin leaves medusa-config.ts.")
  return lines
}
