// Medusa runs a migration file by instantiating its FIRST export (Object.values(module)[0], in @medusajs/utils'
// CustomDBMigrator). The plugin is built to CommonJS, whose exports appear in declaration order: a constant exported
// above the class compiles to a first export that is not a constructor, and `db:migrate` fails in every store that
// installs the package ("MigrationClass is not a constructor") while source-mode tests still pass. Checked here on
// the same compilation the build does (TypeScript → CommonJS).
import fs from "node:fs"
import path from "node:path"
import ts from "typescript"

const dir = path.join(__dirname, "../migrations")

/** The export a CommonJS module created first, from TypeScript's `exports.a = exports.b = void 0;` preamble. */
function firstExport(source: string): string | null {
  const out = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2021 } }).outputText
  const preamble = out.split("\n").find((l) => /^exports\.\w+ = .*void 0;$/.test(l))
  if (!preamble) return /^exports\.(\w+) = /m.exec(out)?.[1] ?? null
  const names = [...preamble.matchAll(/exports\.(\w+) =/g)].map((m) => m[1])
  return names[names.length - 1] // the innermost assignment runs first
}

describe("migration files: the class is the first export", () => {
  it("detects a constant exported above the class (refused side) and accepts the class first (allowed side)", () => {
    expect(firstExport(`export class Migration1 {}\nexport const X = 1\n`)).toBe("Migration1")
    expect(firstExport(`export const X = 1\nexport class Migration1 {}\n`)).toBe("X")
  })

  const files = fs.readdirSync(dir).filter((f) => /^Migration\d+\.ts$/.test(f))
  it.each(files)("%s", (file) => {
    expect(firstExport(fs.readFileSync(path.join(dir, file), "utf8"))).toBe(file.replace(/\.ts$/, ""))
  })
})
