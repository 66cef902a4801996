import fs from "node:fs"

export default async function globalTeardown() {
  const started = globalThis.__EMBEDDED_PG__
  if (!started) return
  await started.stop()
  fs.rmSync(started.dir, { recursive: true, force: true })
}
