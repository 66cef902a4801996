// The last step: drops the module's tables and deletes its migration records, in one transaction (all or nothing).
// It cannot be compensated, so it runs after everything that can; if it fails, nothing of it happened and the earlier
// steps are compensated. No CASCADE: a view or foreign key of the merchant's own on these tables makes it fail
// (naming the object) instead of silently dropping the merchant's objects.
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { inTransaction } from "../../../lib/db/transaction"
import { MIGRATIONS_TABLE, pluginMigrationNames, pluginTables } from "../../../lib/uninstall/tables"

export const dropPluginTablesStep = createStep(
  "personalization-uninstall-drop-tables",
  async (input: { tables: string[]; migrations: string[] }, { container }) => {
    // only ever the module's own tables and migration names, whatever the input says
    const allowedTables = new Set(pluginTables())
    const allowedMigrations = new Set(pluginMigrationNames())
    const tables = input.tables.filter((t) => allowedTables.has(t))
    const migrations = input.migrations.filter((m) => allowedMigrations.has(m))
    try {
      const result = await inTransaction(container, async (run) => {
        if (tables.length) await run(`DROP TABLE IF EXISTS ${tables.map((t) => `"${t}"`).join(", ")}`)
        const deleted = migrations.length
          ? await run<{ name: string }>(`DELETE FROM ${MIGRATIONS_TABLE} WHERE name = ANY($1::text[]) RETURNING name`, [migrations])
          : []
        return { tables, migrations: deleted.map((r) => r.name).sort() }
      })
      return new StepResponse(result)
    } catch (e) {
      // Postgres names the objects in the way only in `detail` ("view x depends on table y"): keep it in the message.
      const err = e as { message?: string; detail?: string }
      const detail = err.detail ? ` (${err.detail.replace(/\s+/g, " ").trim()})` : ""
      throw new Error(`dropping the plugin's tables failed, nothing was dropped: ${err.message ?? e}${detail}`)
    }
  }
)
