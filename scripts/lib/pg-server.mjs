// Runs the embedded Postgres for `npm run dev` in its own process group, so a Ctrl-C in the terminal reaches
// dev.js (which stops Medusa first) and not Postgres. Forked by dev.js with an IPC channel:
//   env MP_PG_DIR, MP_PG_PORT, MP_PG_DATABASE  →  sends { ready, port, user, password } or { error }
//   "stop" message, SIGTERM/SIGINT, or the parent going away  →  stops Postgres cleanly and exits.
import fs from "node:fs"
import { ensureDatabase, startEmbeddedPostgres } from "./embedded-pg.mjs"

const dir = process.env.MP_PG_DIR
const port = Number(process.env.MP_PG_PORT)
const database = process.env.MP_PG_DATABASE

let server
let stopping = false
async function stop(code = 0) {
  if (stopping) return
  stopping = true
  try {
    await server?.stop()
  } finally {
    process.exit(code)
  }
}

process.on("message", (m) => m === "stop" && stop(0))
process.on("disconnect", () => stop(0)) // dev.js died without telling us
process.on("SIGTERM", () => stop(0))
process.on("SIGINT", () => stop(0))

try {
  fs.mkdirSync(dir, { recursive: true })
  server = await startEmbeddedPostgres({ dir, port, persistent: true })
  await ensureDatabase({ port, user: server.user, password: server.password, database })
  process.send?.({ ready: true, port, user: server.user, password: server.password })
} catch (e) {
  process.send?.({ error: String(e?.message ?? e ?? "Postgres did not start (is the port taken?)") })
  await stop(1)
}
