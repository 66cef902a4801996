// Runs documentation lines as a reader would: shell lines in one bash (so `TOKEN=$(…)` carries to the next line),
// README.md's code blocks found by content, and its js-sdk snippets compiled from TypeScript. Used by
// demo.journey.mjs; nothing here asserts — it returns what each line printed.
import { spawn } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import ts from "typescript"

/**
 * Runs `entries` ([{ id, text, sets? }]; id null = comment) in one bash, in a scratch directory. Returns
 * { [id]: { out, code } } — `out` is what the line printed, or the variable's value for a line that `sets` one.
 * @param {{ entries: { id: string | null, text: string, sets?: string }[], timeoutMs?: number }} o
 */
export async function runShellLines({ entries, timeoutMs = 180_000 }) {
  const script = ["cd \"$MP_SCRATCH\""]
  for (const e of entries) {
    if (!e.id) continue
    script.push(`printf '\\n@@BEGIN %s\\n' '${e.id}'`, e.text, `__rc=$?`)
    if (e.sets) script.push(`printf '%s' "$${e.sets}"`)
    script.push(`printf '\\n@@END %s %s\\n' '${e.id}' "$__rc"`)
  }
  const scratch = fs.mkdtempSync(path.join(process.env.CI_TMP || os.tmpdir(), "mp-demo-lines-"))
  try {
    const { stdout, stderr, code } = await run("bash", ["-c", script.join("\n")], { env: { ...process.env, MP_SCRATCH: scratch }, timeoutMs })
    const results = {}
    const re = /\n@@BEGIN (\S+)\n([\s\S]*?)\n@@END \1 (\d+)\n/g
    for (const m of ("\n" + stdout).matchAll(re)) results[m[1]] = { out: m[2].replace(/^\n+/, ""), code: Number(m[3]) }
    return { results, stderr, code }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}

function run(cmd, args, { env, cwd, timeoutMs }) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => (stdout += d))
    child.stderr.on("data", (d) => (stderr += d))
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ stdout, stderr, code })
    })
  })
}

/** Runs a command (e.g. the seed) to completion: { code, output } (stdout and stderr together). */
export async function runCommand(cmd, args, { env = process.env, cwd, timeoutMs = 300_000 } = {}) {
  const { stdout, stderr, code } = await run(cmd, args, { env, cwd, timeoutMs })
  return { code, output: stdout + stderr }
}

/** Fenced code blocks of a markdown text: [{ lang, text, marker }] — `marker` is an HTML comment right above it. */
export function codeBlocks(markdown) {
  const blocks = []
  const re = /(?:<!--([^>]*)-->\n)?```(\w+)\n([\s\S]*?)\n```/g
  for (const m of markdown.matchAll(re)) blocks.push({ marker: (m[1] ?? "").trim(), lang: m[2], text: m[3] })
  return blocks
}

/**
 * Runs a README js-sdk snippet: TypeScript compiled with the installed compiler, the `@medusajs/js-sdk` import
 * replaced by the Medusa class given, and the free variables a reader has (MEDUSA, PK, regionId, visitorId, productId,
 * and `sdk` for a snippet that uses one made earlier) passed in. Returns the snippet's result variables.
 */
export async function runSdkSnippet(code, scope) {
  const body = code.replace(/^import Medusa from "@medusajs\/js-sdk"\s*$/m, "")
  const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText
  const names = ["sections", "promotions", "price_lists", "recommendations"]
  const ret = `return { ${names.map((n) => `${n}: typeof ${n} === "undefined" ? undefined : ${n}`).join(", ")} }`
  const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor
  const params = Object.keys(scope)
  // an inner block, so the snippet may declare its own `sdk` next to the one passed in
  const fn = new AsyncFunction(...params, `{\n${js}\n${ret}\n}`)
  return fn(...params.map((p) => scope[p]))
}
