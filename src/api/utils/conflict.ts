import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { conflictMessage } from "../../lib/errors"

type Handler<Req extends MedusaRequest> = (req: Req, res: MedusaResponse) => Promise<void>

/**
 * Answers our own conflicts as 409 with their message (Medusa's error handler would replace it with a
 * generic retry hint); everything else goes to Medusa's handler unchanged.
 */
export function withConflicts<Req extends MedusaRequest>(handler: Handler<Req>): Handler<Req> {
  return async (req, res) => {
    try {
      await handler(req, res)
    } catch (err) {
      const message = conflictMessage(err)
      if (message === null) throw err
      res.status(409).json({ type: "conflict", message })
    }
  }
}
