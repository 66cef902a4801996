import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

type Resolver = { resolve<T = unknown>(key: string): T }
type PgClient = { query(text: string, values?: unknown[]): Promise<{ rows: any[]; rowCount: number | null }> }
type Knex = { client: { acquireConnection(): Promise<PgClient>; releaseConnection(c: PgClient): Promise<void> } }

/**
 * Runs `$n`-parameterized SQL (as src/core/rules compiles it) on a connection borrowed from Medusa's own
 * pool: set-based batch work without a second pool and without knex's `?` rewriting, which would clash
 * with Postgres operators in compiled rules.
 */
export async function sql<T = Record<string, unknown>>(container: Resolver, text: string, values: unknown[] = []): Promise<T[]> {
  const knex = container.resolve<Knex>(ContainerRegistrationKeys.PG_CONNECTION)
  const client = await knex.client.acquireConnection()
  try {
    const result = await client.query(text, values)
    return result.rows as T[]
  } finally {
    await knex.client.releaseConnection(client)
  }
}
