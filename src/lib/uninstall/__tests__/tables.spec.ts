import fs from "node:fs"
import path from "node:path"
import { MODELS, pluginMigrationNames, pluginTables } from "../tables"

const modelsDir = path.join(__dirname, "../../../modules/personalization/models")

describe("uninstall: the module's tables and migration records", () => {
  it("lists every model of the module (a model added later is dropped on uninstall too)", async () => {
    const files = fs.readdirSync(modelsDir).filter((f) => f.endsWith(".ts"))
    const defined = new Set<string>()
    for (const f of files) {
      const mod = await import(path.join(modelsDir, f))
      for (const v of Object.values(mod)) {
        const parsed = (v as { parse?: () => { tableName: string } })?.parse?.()
        if (parsed?.tableName) defined.add(parsed.tableName)
      }
    }
    expect(defined.size).toBe(files.length)
    expect(pluginTables()).toEqual([...defined].sort())
    expect(MODELS).toHaveLength(files.length)
  })

  it("every table is the plugin's own (personalization_ prefix)", () => {
    for (const t of pluginTables()) expect(t).toMatch(/^personalization_[a-z_]+$/)
  })

  it("reads the migration names from the migrations folder", () => {
    const files = fs
      .readdirSync(path.join(__dirname, "../../../modules/personalization/migrations"))
      .filter((f) => /^Migration\d+\.ts$/.test(f))
    expect(pluginMigrationNames()).toEqual(files.map((f) => f.replace(/\.ts$/, "")).sort())
    expect(pluginMigrationNames().length).toBeGreaterThan(0)
  })
})
