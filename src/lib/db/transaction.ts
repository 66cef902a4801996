import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

type Resolver = { resolve<T = unknown>(key: string): T }
type PgClient = { query(text: string, values?: unknown[]): Promise<{ rows: any[] }> }
type Knex = { client: { acquireConnection(): Promise<PgClient>; releaseConnection(c: PgClient): Promise<void> } }

export type Run = <T = Record<string, unknown>>(text: string, values?: unknown[]) => Promise<T[]>

/**
 * Runs `fn` in one Postgres transaction on a connection from Medusa's pool, with `$n` SQL (see raw-sql.ts):
 * a batch of membership writes either lands whole or not at all.
 */
export async function inTransaction<T>(container: Resolver, fn: (run: Run) => Promise<T>): Promise<T> {
  const knex = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
  const client = await knex.client.acquireConnection()
  const run: Run = async (text, values = []) => (await client.query(text, values)).rows
  try {
    await client.query("BEGIN")
    const result = await fn(run)
    await client.query("COMMIT")
    return result
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined)
    throw e
  } finally {
    await knex.client.releaseConnection(client)
  }
}
