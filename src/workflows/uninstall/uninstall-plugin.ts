import { createWorkflow, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { ungatePromotionsStep, type UngatedPromotion } from "./steps/ungate-promotions"
import { ungatePriceListsStep, type UngatedPriceList } from "./steps/ungate-price-lists"
import { deleteManagedGroupsStep } from "./steps/delete-managed-groups"
import { dropPluginTablesStep } from "./steps/drop-plugin-tables"

export type UninstallPluginInput = {
  /** every group the plugin manages or managed (removed from offers' rules) */
  our_group_ids: string[]
  /** the live managed groups to delete */
  group_ids: string[]
  tables: string[]
  migrations: string[]
}

export type UninstallPluginResult = {
  promotions: UngatedPromotion[]
  price_lists: UngatedPriceList[]
  /** the customer groups deleted */
  groups: string[]
  dropped: { tables: string[]; migrations: string[] }
}

/**
 * Removes what the plugin created in the store (src/scripts/uninstall.ts shows the plan first): its groups and holdout
 * markers leave promotions' and price lists' rules (an offer whose gate empties is deactivated, never opened to all),
 * its managed customer groups are deleted, then its tables and migration records go in one transaction. Any failure
 * compensates the earlier steps, leaving the store as it was.
 */
export const uninstallPluginWorkflow = createWorkflow("personalization-uninstall-plugin", (input: UninstallPluginInput) => {
  const promotions = ungatePromotionsStep({ our_group_ids: input.our_group_ids })
  const price_lists = ungatePriceListsStep({ our_group_ids: input.our_group_ids })
  const groups = deleteManagedGroupsStep({ group_ids: input.group_ids })
  const dropped = dropPluginTablesStep({ tables: input.tables, migrations: input.migrations })
  return new WorkflowResponse({ promotions, price_lists, groups, dropped })
})
