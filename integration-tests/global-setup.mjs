// When no database is configured, start an embedded Postgres for the whole jest run.
import path from "node:path"
import os from "node:os"
import fs from "node:fs"
import { startEmbeddedPostgres } from "../scripts/lib/embedded-pg.mjs"

export default async function globalSetup() {
  if (process.env.DB_HOST || process.env.DATABASE_URL) return
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mp-test-pg-"))
  const started = await startEmbeddedPostgres({ dir, persistent: false })
  // "localhost", not 127.0.0.1: the Medusa test runner turns on SSL for any database URL without "localhost".
  process.env.DB_HOST = "localhost"
  process.env.DB_PORT = String(started.port)
  process.env.DB_USERNAME = started.user
  process.env.DB_PASSWORD = started.password
  globalThis.__EMBEDDED_PG__ = { ...started, dir }
}
