// Removes what medusa-personalization created in this store. Run it in the store, with the plugin still installed
// and configured (ideally with the server stopped):
//
//   npx medusa exec ./node_modules/medusa-personalization/.medusa/server/src/scripts/uninstall.js          # dry run
//   npx medusa exec ./node_modules/medusa-personalization/.medusa/server/src/scripts/uninstall.js -- --yes    # do it
//
// The dry run (the default) changes nothing: it lists the segments, the managed customer groups (with their customer
// counts), every promotion and price list whose customer-group rule names one of those groups and what will happen to
// it, the tables with their row counts and the migration records. `-- --yes` runs the uninstall workflow (every write
// through a step with compensation; the tables go last, in one transaction). `-- --json` prints the plan / result as
// JSON. The flags go after `--`: medusa exec refuses options it does not know. Afterwards: remove the plugin from
// medusa-config.ts, `npm uninstall medusa-personalization`, `npx medusa db:migrate`. See docs/install.md.
import type { ExecArgs } from "@medusajs/framework/types"
import { formatPlan, planUninstall } from "../lib/uninstall/plan"
import { execFlags } from "../lib/exec-flags"
import { uninstallPluginWorkflow, type UninstallPluginResult } from "../workflows/uninstall"

export default async function uninstallPersonalization({ container, args }: ExecArgs) {
  const flags = execFlags(/uninstall\.(js|ts)$/, args ?? [])
  const yes = flags.has("yes")
  const json = flags.has("json")
  const out = (line: string) => process.stdout.write(line + "\n")

  const plan = await planUninstall(container)
  if (json) out(JSON.stringify({ plan }))
  else {
    out(`medusa-personalization uninstall — ${yes ? "removing" : "DRY RUN (nothing is changed)"}:`)
    for (const line of formatPlan(plan)) out(line)
  }
  if (!yes) {
    if (!json) out("Dry run only. Run again with `-- --yes` to remove all of the above.")
    return
  }

  let result: UninstallPluginResult
  try {
    result = (
      await uninstallPluginWorkflow(container).run({
        input: {
          our_group_ids: plan.our_group_ids,
          group_ids: plan.groups.map((g) => g.id),
          tables: plan.tables.map((t) => t.name),
          migrations: plan.migrations,
        },
      })
    ).result as UninstallPluginResult
  } catch (e) {
    // The workflow undid every step that had run: say so, with Postgres' or Medusa's reason, and exit non-zero.
    const message = (e as { message?: string })?.message ?? String(e)
    out(`Uninstall failed and was rolled back (the store is as it was): ${message}`)
    throw new Error(`medusa-personalization uninstall failed and was rolled back: ${message}`)
  }
  if (json) out(JSON.stringify({ result }))
  else {
    for (const p of result.promotions) {
      out(`promotion ${p.code ?? p.promotion_id}: ${p.action === "rule-removed" ? "group rule removed" : "our groups removed from its rule"}${p.deactivated ? ", set to inactive" : ""}`)
    }
    for (const p of result.price_lists) {
      out(`price list ${p.title ?? p.price_list_id}: ${p.action === "rule-removed" ? "group rule removed" : "our groups removed from its rule"}${p.drafted ? ", set to draft" : ""}`)
    }
    out(`customer groups deleted: ${result.groups.length}`)
    out(`tables dropped: ${result.dropped.tables.length}; migration records deleted: ${result.dropped.migrations.length}`)
    out("Done. Now remove the plugin from medusa-config.ts, run `npm uninstall medusa-personalization` and `npx medusa db:migrate`.")
  }
}
