// node --test scripts/lib/pg-access.test.mjs — the root/permission guard of the embedded Postgres, both sides.
// As root (CI), the probe really runs as the "postgres" user; as anyone else the guard has nothing to check.
import assert from "node:assert/strict"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { test } from "node:test"
import { ancestorsOf, embeddedPgAccessProblem, firstBlockedDir } from "./pg-access.mjs"

const root = typeof process.getuid === "function" && process.getuid() === 0

test("ancestorsOf lists every directory from / down", () => {
  assert.deepEqual(ancestorsOf("/a/b/c"), ["/", "/a", "/a/b", "/a/b/c"])
  assert.deepEqual(ancestorsOf("/"), ["/"])
})

test("a data dir other users can reach is allowed; the same dir made private is refused, naming it", async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "mp-pg-access-"))
  try {
    const project = path.join(base, "store")
    fs.mkdirSync(path.join(project, ".dev-data"), { recursive: true })
    fs.chmodSync(base, 0o755)
    fs.chmodSync(project, 0o755)
    fs.chmodSync(path.join(project, ".dev-data"), 0o755)
    const dataDir = path.join(project, ".dev-data", "pg")

    // allowed side first: every directory enterable
    assert.equal(firstBlockedDir(ancestorsOf(path.dirname(dataDir))), null)
    assert.equal(await embeddedPgAccessProblem({ dataDir }), null)

    // a private directory on the way (like /root, mode 700)
    fs.chmodSync(project, 0o700)
    const problem = await embeddedPgAccessProblem({ dataDir })
    if (!root) {
      assert.equal(problem, null, "only root runs Postgres as another user")
      return
    }
    assert.equal(firstBlockedDir(ancestorsOf(path.dirname(dataDir))), project)
    assert.ok(problem, "refused")
    assert.equal(problem.split("\n").length, 1, "one line")
    assert.match(problem, new RegExp(`cannot enter ${project.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(mode 700`))
    assert.match(problem, new RegExp(`chmod o\\+x ${project.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`))
    assert.match(problem, /DATABASE_URL/)

    // execute-only for others is enough (no listing needed)
    fs.chmodSync(project, 0o711)
    assert.equal(await embeddedPgAccessProblem({ dataDir }), null)
  } finally {
    fs.rmSync(base, { recursive: true, force: true })
  }
})
