import { buildCatalog, parsePluginOptions } from "../options"

describe("plugin options", () => {
  it("fills defaults", () => {
    const o = parsePluginOptions({})
    expect(o).toMatchObject({
      consent: { required: true, purposes: ["personalization", "analytics", "marketing"] },
      retentionDays: 180,
      abandonmentMinutes: 60,
      refreshCron: "0 * * * *",
      recommendations: { neighbors: 20, minSupport: 2 },
      holdoutPercent: 0,
      metadataTraits: {},
    })
  })

  it("names the bad field", () => {
    expect(() => parsePluginOptions({ retentionDays: -1 })).toThrow(/retentionDays/)
    expect(() => parsePluginOptions({ consent: { required: "yes" } })).toThrow(/consent\.required/)
    expect(() => parsePluginOptions({ refreshCron: "every hour" })).toThrow(/refreshCron/)
    expect(() => parsePluginOptions({ refreshCron: "*/15 * * * *" })).not.toThrow()
    expect(() => parsePluginOptions({ retentionDay: 30 })).toThrow(/retentionDay/) // a typo is not silently ignored
    expect(() => parsePluginOptions({ redisUrl: undefined, database: { clientUrl: "postgres://x" } })).not.toThrow()
  })

  it("adds declared metadata traits to the catalogue and refuses bad declarations", () => {
    const o = parsePluginOptions({ metadataTraits: { birth_date: "date", gender: { type: "enum", values: ["f", "m", "x"] } } })
    const catalog = buildCatalog(o)
    expect(catalog.get("birth_date")).toMatchObject({ type: "date" })
    expect(catalog.get("gender")).toMatchObject({ type: "enum" })
    expect(catalog.get("orders_count")).toBeTruthy()
    expect(() => parsePluginOptions({ metadataTraits: { orders_count: "number" } })).toThrow(/metadataTraits.*orders_count/)
    expect(() => parsePluginOptions({ metadataTraits: { gender: "enum" } })).toThrow(/metadataTraits.*values/)
  })
})
