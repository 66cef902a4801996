// When no database is configured, start an embedded Postgres for the whole jest run.
import path from "node:path"
import os from "node:os"
import fs from "node:fs"
import { spawnSync } from "node:child_process"
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
  migrateTemplate(started)
}

// Each suite's runner creates its database with a plain CREATE DATABASE, i.e. as a copy of template1. Migrating
// template1 once here (our own throwaway server only) means every suite starts with Medusa's and the plugin's
// schema in place and its own migration pass finds nothing to do — ~30 s saved per suite. MP_TEST_TEMPLATE=0 skips it.
function migrateTemplate(started) {
  // Unit specs only need a bare Postgres (the SQL equivalence properties); skip the Medusa schema for them.
  if (process.env.MP_TEST_TEMPLATE === "0" || process.env.TEST_TYPE === "unit") return
  const t0 = Date.now()
  const url = `postgres://${started.user}:${started.password}@localhost:${started.port}/template1`
  const r = spawnSync("npx", ["medusa", "db:migrate", "--skip-scripts"], {
    cwd: path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), ".."),
    env: { ...process.env, DATABASE_URL: url, DB_HOST: "", DB_PORT: "", MEDUSA_DISABLE_TELEMETRY: "true" },
    encoding: "utf8",
  })
  if (r.status !== 0) {
    // Not fatal: the runner migrates each suite's database itself, only slower.
    process.stderr.write(`[global-setup] template1 migration failed (suites will migrate themselves):\n${r.stdout}\n${r.stderr}\n`)
    return
  }
  process.stdout.write(`[global-setup] template1 migrated in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
}
