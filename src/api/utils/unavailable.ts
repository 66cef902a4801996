import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"

type Handler<Req extends MedusaRequest> = (req: Req, res: MedusaResponse) => Promise<void>

// Caller mistakes keep their own answers (400/401/403/404/409 from Medusa's error handler).
const CALLER_ERRORS = new Set<string>([
  MedusaError.Types.INVALID_DATA,
  MedusaError.Types.NOT_FOUND,
  MedusaError.Types.NOT_ALLOWED,
  MedusaError.Types.UNAUTHORIZED,
  MedusaError.Types.FORBIDDEN,
  MedusaError.Types.CONFLICT,
  MedusaError.Types.DUPLICATE_ERROR,
  MedusaError.Types.INVALID_ARGUMENT,
])

/**
 * For an idempotent write (tracked events carry their own ids): a failure of the infrastructure behind it — the
 * database, or the Redis behind the workflow engine or event bus going away mid-request — is answered 503 with
 * `Retry-After`, not a bare 500, so a storefront knows to send the same batch again. Logged once with context.
 */
export function retryableOnOutage<Req extends MedusaRequest>(what: string, handler: Handler<Req>, retryAfterSeconds = 5): Handler<Req> {
  return async (req, res) => {
    try {
      await handler(req, res)
    } catch (err) {
      if (err instanceof MedusaError && CALLER_ERRORS.has(err.type)) throw err
      if (res.headersSent) throw err
      req.scope
        .resolve(ContainerRegistrationKeys.LOGGER)
        .error(`personalization: ${what} failed, answered 503: ${(err as Error)?.message ?? String(err)}`)
      res.setHeader("Retry-After", String(retryAfterSeconds))
      res.status(503).json({
        type: "unavailable",
        message: `${what} is temporarily unavailable; send the same request again after ${retryAfterSeconds} s (Retry-After) — events already stored are recognised by their ids and not stored twice`,
      })
    }
  }
}
