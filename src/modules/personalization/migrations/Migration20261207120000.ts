import { Migration } from "@medusajs/framework/mikro-orm/migrations"
import { resolveSegmentIds, withoutSegmentIds, type Rule } from "../../../core/rules"

/** Runs one statement, `?` placeholders; answers the rows. */
type Execute = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>

/**
 * Data migration: segment('…') references in stored rules carry the referenced segment's id (core/rules/references.ts),
 * so a rename can neither break nor redirect them. Rules stored before held handles only; each such reference gets the
 * id of the live segment with that handle, failing that of the most recently deleted one that had it (it matched
 * nothing and still matches nothing), failing that UNRESOLVED_SEGMENT_ID. `rule_text` is left as it is (it shows
 * handles). Idempotent: references that already carry an id are not touched, so running it again changes nothing.
 */
export class Migration20261207120000 extends Migration {
  override async up(): Promise<void> {
    await Migration20261207120000.referenceSegmentsById((sql, params) => this.execute(sql, params))
  }

  override async down(): Promise<void> {
    await Migration20261207120000.referenceSegmentsByHandle((sql, params) => this.execute(sql, params))
  }

  /** up(), callable on its own (tests run it against rows written the old way). Answers the number of rows changed. */
  static async referenceSegmentsById(execute: Execute): Promise<number> {
    const rows = (await execute(
      `select id, handle, rule, deleted_at from personalization_segment order by deleted_at desc nulls first, created_at desc`
    )) as { id: string; handle: string; rule: unknown; deleted_at: Date | null }[]
    // live segments first, then deleted ones newest first: the first row with a handle is the one a reference means
    const idOf = new Map<string, string>()
    for (const r of rows) if (!idOf.has(r.handle)) idOf.set(r.handle, r.id)
    let changed = 0
    for (const r of rows) {
      const rule = parsed(r.rule)
      if (!rule || !hasHandleOnlyReference(rule)) continue
      const resolved = resolveSegmentIds(rule, (h) => idOf.get(h) ?? UNRESOLVED_SEGMENT_ID).rule
      await execute(`update personalization_segment set rule = ?::jsonb where id = ?`, [JSON.stringify(resolved), r.id])
      changed++
    }
    return changed
  }

  /** down(): references by handle again (the labels, kept current on rename). */
  static async referenceSegmentsByHandle(execute: Execute): Promise<number> {
    const rows = (await execute(`select id, rule from personalization_segment`)) as { id: string; rule: unknown }[]
    let changed = 0
    for (const r of rows) {
      const rule = parsed(r.rule)
      if (!rule || !JSON.stringify(rule).includes('"id"')) continue
      await execute(`update personalization_segment set rule = ?::jsonb where id = ?`, [JSON.stringify(withoutSegmentIds(rule)), r.id])
      changed++
    }
    return changed
  }
}

function parsed(value: unknown): Rule | null {
  const v = typeof value === "string" ? JSON.parse(value) : value
  return v && typeof v === "object" ? (v as Rule) : null
}

function hasHandleOnlyReference(rule: Rule): boolean {
  const stack: Rule[] = [rule]
  while (stack.length) {
    const n = stack.pop()!
    if (n.type === "segment" && n.id === undefined) return true
    if (n.type === "and" || n.type === "or") stack.push(...n.rules)
    else if (n.type === "not") stack.push(n.rule)
  }
  return false
}

// Declared after the class on purpose: Medusa instantiates the FIRST export of a migration file
// (Object.values(module)[0]), and the compiled file lists its exports in declaration order — a constant declared
// first made `db:migrate` fail in an installed store with "MigrationClass is not a constructor".
/**
 * The id a reference gets when no segment, live or deleted, ever had its handle (it was renamed away before references
 * were stored by id). No segment has this id, so the reference keeps matching nothing, as it did, and a segment created
 * later with that handle does not capture it; its label still shows the handle it was written with.
 */
export const UNRESOLVED_SEGMENT_ID = "pseg_unresolved"
