// An experiment's salt: the hash of (salt, subject) puts each subject in an arm (core/stats/assign.ts). It is random
// (a UUID) unless the creator fixes it. A fixed salt makes the split reproducible — tests pin one so a simulated
// experiment gives the same arms on every run; an operator can replay a split offline. It is an admin/test option:
// never returned by the API, and one salt belongs to one experiment, since two experiments with the same salt hold out
// exactly the same subjects (their results would be confounded).
import { z } from "@medusajs/framework/zod"
import { randomUUID } from "crypto"
import { sql } from "../db/raw-sql"
import { invalid } from "../errors"

type Resolver = { resolve<T = unknown>(key: string): T }

export const SALT_RULE = "must be 8–64 characters: letters, digits, '.', '_', ':' or '-'"

/** zod schema for an explicit salt (the admin create body and the create workflow both check it). */
export const ExperimentSalt = z.string().regex(/^[A-Za-z0-9._:-]{8,64}$/, SALT_RULE)

/**
 * The salt a new experiment gets: the explicit one when given (400 `salt: …` when malformed or already used by
 * another experiment that is not deleted), else a random UUID.
 */
export async function saltForNewExperiment(container: Resolver, explicit: string | undefined): Promise<string> {
  if (explicit === undefined) return randomUUID()
  const parsed = ExperimentSalt.safeParse(explicit)
  if (!parsed.success) throw invalid("salt", SALT_RULE)
  const [taken] = await sql<{ id: string }>(
    container,
    `SELECT id FROM personalization_experiment WHERE salt = $1 AND deleted_at IS NULL LIMIT 1`,
    [parsed.data]
  )
  if (taken) throw invalid("salt", `already used by experiment '${taken.id}' (the same salt holds out the same subjects)`)
  return parsed.data
}
