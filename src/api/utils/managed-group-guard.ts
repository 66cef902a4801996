// Medusa's own admin routes that change a customer group's members. A group the plugin manages mirrors a
// segment: a hand-made change there would silently come back at the next refresh (and meanwhile grant or withhold
// the segment's offers), so it is refused up front with a 409 naming the group and its segment. Other groups pass
// untouched; malformed bodies pass too, for Medusa's own validator to answer.
import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { findManagedGroups, managedGroupEditMessage } from "../../lib/managed-group"

const ids = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [])
const bodyOf = (req: MedusaRequest) => (req.body ?? {}) as { add?: unknown; remove?: unknown }

function refuse(res: MedusaResponse, field: string, message: string) {
  res.status(409).json({ type: "conflict", message: `${field}: ${message}` })
}

/** POST /admin/customer-groups/:id/customers { add?, remove? } on a managed group → 409. */
export async function refuseManagedGroupMembersEdit(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  try {
    const { add, remove } = bodyOf(req)
    const field = ids(add).length ? "add" : ids(remove).length ? "remove" : null
    if (!field) return next() // nothing to change
    const [managed] = await findManagedGroups(req.scope, [(req.params as { id: string }).id])
    if (!managed) return next()
    refuse(res, field, managedGroupEditMessage(managed))
  } catch (e) {
    next(e)
  }
}

/** POST /admin/customers/:id/customer-groups { add?, remove? } naming a managed group → 409. */
export async function refuseManagedGroupsOfCustomerEdit(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  try {
    const body = bodyOf(req)
    for (const field of ["add", "remove"] as const) {
      const list = ids(body[field])
      const [managed] = await findManagedGroups(req.scope, list)
      if (managed) return refuse(res, `${field}.${list.indexOf(managed.id)}`, managedGroupEditMessage(managed))
    }
    next()
  } catch (e) {
    next(e)
  }
}
