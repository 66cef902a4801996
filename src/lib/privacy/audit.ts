import type { MedusaRequest } from "@medusajs/framework/http"

export type AuditActor = { actor_type: string; actor_id: string | null }

export const SYSTEM_ACTOR: AuditActor = { actor_type: "system", actor_id: null }

/** The actor behind an admin or store request: a user, a secret API key, a customer; else "system". */
export function actorOf(req: MedusaRequest): AuditActor {
  const auth = (req as unknown as { auth_context?: { actor_type?: string; actor_id?: string } }).auth_context
  if (!auth?.actor_type) return SYSTEM_ACTOR
  return { actor_type: auth.actor_type, actor_id: auth.actor_id || null }
}
