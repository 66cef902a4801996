// `npm run check:consistency [-- --repair --json]` (the npm script ends in `--`: `medusa exec` refuses options it does
// not know, so flags go after it) — compares open memberships, managed customer groups'
// members and segment.member_count for every segment; with --repair, fixes the differences through workflows
// and checks again. Exit code 1 when differences remain (so cron/CI can alert on it).
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { checkConsistency, formatReport, repairConsistency } from "../lib/consistency"
import { execFlags } from "../lib/exec-flags"

export default async function checkConsistencyScript({ container, args }: ExecArgs) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const flags = execFlags(/check-consistency\.(js|ts)$/, args ?? [])
  const json = flags.has("json")
  const report = await checkConsistency(container)
  if (json) process.stdout.write(JSON.stringify({ report }, null, 2) + "\n")
  else for (const line of formatReport(report)) logger.info(line)
  if (report.ok) return
  if (!flags.has("repair")) {
    if (!json) logger.info("consistency: run again with --repair to fix these through workflows")
    process.exitCode = 1
    return
  }
  const { repaired, after } = await repairConsistency(container, report)
  if (json) process.stdout.write(JSON.stringify({ repaired, after }, null, 2) + "\n")
  else {
    for (const r of repaired) {
      logger.info(`repair: ${r.handle} → ${r.action}${r.group ? ` (+${r.group.added}/-${r.group.removed} group links)` : ""}${r.error ? ` FAILED: ${r.error}` : ""}`)
    }
    for (const line of formatReport(after)) logger.info(`after repair: ${line}`)
  }
  if (!after.ok) process.exitCode = 1
}
