#!/usr/bin/env node
// npm's `prepare` hook. It builds the plugin only when npm installs it as a git dependency
// (`npm install git+https://…/medusa-personalization.git#<ref>`): npm clones the repository, runs `npm install` in
// the clone with _PACOTE_NO_PREPARE_ set, and packs what `files` lists. Git holds no .medusa/server, so without this
// build the store would get a package with no code. Everywhere else (your own `npm install` in a checkout, `npm pack`,
// `npm publish`) it does nothing: `npm run build` builds, and prepublishOnly builds before publishing.
import { spawnSync } from "node:child_process"

if (!process.env._PACOTE_NO_PREPARE_) process.exit(0)

console.log("medusa-personalization: installed from git, building the plugin (medusa plugin:build)")
const r = spawnSync("npx", ["--no-install", "medusa", "plugin:build"], { stdio: "inherit" })
process.exit(r.status ?? 1)
