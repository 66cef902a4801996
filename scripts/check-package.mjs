#!/usr/bin/env node
// npm's `prepack` hook (npm pack, npm publish, medusa plugin:publish): refuses to pack without a build, or with a
// build older than the source (src/, package.json, tsconfig.json), so a tarball never ships without code or with stale
// code. `npm run build` fixes both. `--quiet`: exit code only (prepublishOnly builds when this fails).
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const marker = path.join(root, ".medusa/server/src/modules/personalization/index.js")
const quiet = process.argv.includes("--quiet")
const fail = (msg) => {
  if (!quiet) console.error(`medusa-personalization: ${msg}; run \`npm run build\` first`)
  process.exit(1)
}

if (!fs.existsSync(marker)) fail("no build in .medusa/server")
const built = fs.statSync(marker).mtimeMs
let newest = { file: null, mtime: 0 }
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) {
      if (e.name !== "__tests__") walk(p)
    } else if (/\.(ts|tsx|js|mjs|json)$/.test(e.name)) {
      const m = fs.statSync(p).mtimeMs
      if (m > newest.mtime) newest = { file: p, mtime: m }
    }
  }
}
walk(path.join(root, "src"))
for (const f of ["package.json", "tsconfig.json"]) {
  const p = path.join(root, f)
  if (fs.existsSync(p) && fs.statSync(p).mtimeMs > newest.mtime) newest = { file: p, mtime: fs.statSync(p).mtimeMs }
}
if (newest.mtime > built) fail(`the build is older than ${path.relative(root, newest.file)}`)
