// Managed customer-group links of one customer, through the customer module (addCustomerToGroup /
// removeCustomerFromGroup): what the pipeline changes and what its compensation puts back.
import { Modules } from "@medusajs/framework/utils"
import type { ICustomerModuleService, MedusaContainer } from "@medusajs/framework/types"

export type GroupPair = { customer_id: string; customer_group_id: string }
export type GroupLinkChange = { add: GroupPair[]; remove: GroupPair[] }

/**
 * Links the customer to `wantIn` and unlinks it from `wantOut`; returns exactly the links it changed (for the
 * undo). Additions are tried as one insert first (the usual case: the customer is in none of them); the module's
 * add is a plain insert that fails when a link already exists, so on failure (nothing written: the insert is one
 * transaction) the current links are read and only the missing ones added. Removals read the current links first,
 * so the undo re-adds only links that existed. Additions and removals run concurrently.
 */
export async function changeGroupLinks(
  container: MedusaContainer,
  customerId: string,
  wantIn: string[],
  wantOut: string[]
): Promise<GroupLinkChange> {
  const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
  const pairs = (ids: string[]) => ids.map((g) => ({ customer_id: customerId, customer_group_id: g }))
  const linked = async (ids: string[]) =>
    new Set(
      (
        await customers.listCustomerGroupCustomers(
          { customer_id: customerId, customer_group_id: ids },
          { select: ["customer_group_id"], take: null }
        )
      ).map((c) => c.customer_group_id)
    )
  const adding = (async (): Promise<GroupPair[]> => {
    if (!wantIn.length) return []
    try {
      await customers.addCustomerToGroup(pairs(wantIn))
      return pairs(wantIn)
    } catch {
      const current = await linked(wantIn)
      const add = pairs(wantIn.filter((g) => !current.has(g)))
      if (add.length) await customers.addCustomerToGroup(add)
      return add
    }
  })()
  const removing = (async (): Promise<GroupPair[]> => {
    if (!wantOut.length) return []
    const current = await linked(wantOut)
    const remove = pairs(wantOut.filter((g) => current.has(g)))
    if (remove.length) await customers.removeCustomerFromGroup(remove)
    return remove
  })()
  const [added, removed] = await Promise.allSettled([adding, removing])
  if (added.status === "fulfilled" && removed.status === "fulfilled") return { add: added.value, remove: removed.value }
  // One side failed: put the other side back, then report the failure (nothing half-written).
  await undoGroupLinks(container, {
    add: added.status === "fulfilled" ? added.value : [],
    remove: removed.status === "fulfilled" ? removed.value : [],
  })
  throw (added.status === "rejected" ? added.reason : (removed as PromiseRejectedResult).reason) as Error
}

/** Reverses a changeGroupLinks result. */
export async function undoGroupLinks(container: MedusaContainer, change: GroupLinkChange | null | undefined): Promise<void> {
  if (!change) return
  const customers: ICustomerModuleService = container.resolve(Modules.CUSTOMER)
  if (change.add.length) await customers.removeCustomerFromGroup(change.add)
  if (change.remove.length) await customers.addCustomerToGroup(change.remove)
}
