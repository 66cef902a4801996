import { parsePluginOptions } from "../../../modules/personalization/options"
import { similarityOptionsOf } from "../build"

describe("recommendations options", () => {
  it("defaults: cosine, 20 neighbours, support 2, co-views at a quarter and carts at half an order, daily at 03:00 UTC", () => {
    const { recommendations } = parsePluginOptions({})
    expect(recommendations).toEqual({ neighbors: 20, minSupport: 2, metric: "cosine", viewWeight: 0.25, cartWeight: 0.5, buildCron: "0 3 * * *" })
    expect(similarityOptionsOf(recommendations)).toEqual({
      metric: "cosine",
      topK: 20,
      minSupport: 2,
      weights: { purchase: 1, view: 0.25, cart: 0.5 },
    })
    expect(parsePluginOptions({ recommendations: { metric: "lift" } }).recommendations).toMatchObject({ metric: "lift", neighbors: 20 })
  })

  it("names the bad field", () => {
    expect(() => parsePluginOptions({ recommendations: { metric: "jaccard" } })).toThrow(/recommendations\.metric/)
    expect(() => parsePluginOptions({ recommendations: { viewWeight: 2 } })).toThrow(/recommendations\.viewWeight/)
    expect(() => parsePluginOptions({ recommendations: { buildCron: "nightly" } })).toThrow(/recommendations\.buildCron/)
    expect(() => parsePluginOptions({ recommendations: { topK: 5 } })).toThrow(/topK/) // the option is `neighbors`
  })
})
