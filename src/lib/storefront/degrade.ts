// Storefront calls must not fail because personalization did: a failure that is not the caller's fault
// (database, a missing table, a bug) is logged and the call answers with the non-personalized fallback.
// Errors the request caused (our 400/404 MedusaErrors) still reach the caller.
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"

type Resolver = { resolve<T = unknown>(key: string): T }

export function isRequestError(err: unknown): boolean {
  const type = (err as { type?: string } | null)?.type
  return MedusaError.isMedusaError(err) && (type === MedusaError.Types.INVALID_DATA || type === MedusaError.Types.NOT_FOUND)
}

/** Runs `fn`; on a failure that is not a request error, logs it and returns `fallback`. */
export async function orFallback<T>(scope: Resolver, what: string, fn: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (isRequestError(err)) throw err
    try {
      scope
        .resolve<{ warn(message: string): void }>(ContainerRegistrationKeys.LOGGER)
        .warn(`personalization: ${what} failed, serving the fallback: ${(err as Error)?.message ?? err}`)
    } catch {
      // no logger: still degrade
    }
    return fallback
  }
}
