#!/usr/bin/env node
// `npm run db:generate`: generate the plugin's migrations with `medusa plugin:db:generate`,
// which needs a live Postgres. Uses DB_* / DATABASE_URL when set, else a throwaway embedded Postgres.
const { spawnSync } = require("node:child_process")
const fs = require("node:fs")
const os = require("node:os")
const path = require("node:path")

async function main() {
  let stop = async () => {}
  const env = { ...process.env }
  if (!env.DB_HOST && !env.DATABASE_URL) {
    const { startEmbeddedPostgres } = await import("./lib/embedded-pg.mjs")
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mp-gen-pg-"))
    const pg = await startEmbeddedPostgres({ dir, persistent: false })
    Object.assign(env, { DB_HOST: "127.0.0.1", DB_PORT: String(pg.port), DB_USERNAME: pg.user, DB_PASSWORD: pg.password })
    stop = async () => { await pg.stop(); fs.rmSync(dir, { recursive: true, force: true }) }
  }
  const r = spawnSync("npx", ["medusa", "plugin:db:generate"], { stdio: "inherit", env })
  await stop()
  // plugin:db:generate exits 0 even when it could not connect; the output says so.
  process.exit(r.status ?? 1)
}

main().catch((e) => { console.error(e); process.exit(1) })
