import { MedusaError } from "@medusajs/framework/utils"

/** 400 naming the field: "<field>: <problem>". */
export function invalid(field: string, problem: string): MedusaError {
  return new MedusaError(MedusaError.Types.INVALID_DATA, `${field}: ${problem}`)
}

export function notFound(what: string, id: string): MedusaError {
  return new MedusaError(MedusaError.Types.NOT_FOUND, `${what} with id '${id}' was not found`)
}

/**
 * A conflict whose message must reach the caller. Medusa's error handler replaces the message of
 * MedusaError CONFLICT with a generic retry hint, so our routes answer these themselves (see api/utils/conflict.ts).
 */
export const CONFLICT_PREFIX = "[personalization-conflict] "

export function conflict(message: string): MedusaError {
  return new MedusaError(MedusaError.Types.CONFLICT, CONFLICT_PREFIX + message)
}

export function conflictMessage(err: unknown): string | null {
  const message = (err as { message?: unknown } | null)?.message
  return typeof message === "string" && message.startsWith(CONFLICT_PREFIX) ? message.slice(CONFLICT_PREFIX.length) : null
}
