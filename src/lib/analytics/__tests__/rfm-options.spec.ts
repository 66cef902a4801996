import { parsePluginOptions } from "../../../modules/personalization/options"
import { rfmGroupsFromOptions } from "../rfm"
import { DEFAULT_RFM_GROUPS } from "../../../core/traits/rfm"

describe("RFM and churn plugin options", () => {
  it("defaults: the documented groups and churn settings", () => {
    const o = parsePluginOptions({})
    expect(rfmGroupsFromOptions(o)).toEqual(DEFAULT_RFM_GROUPS)
    expect(o.churn).toEqual({ horizonDays: 90, minCustomers: 40, minPerClass: 8, l2: 1 })
  })

  it("takes a custom group list (labels default to ids)", () => {
    const o = parsePluginOptions({
      rfm: { groups: [{ id: "vip", label: "VIP", r: [4, 5], fm: [4, 5] }, { id: "rest", r: [1, 5], fm: [1, 5] }] },
      churn: { horizonDays: 60 },
    })
    expect(rfmGroupsFromOptions(o)).toEqual([
      { id: "vip", label: "VIP", r: [4, 5], fm: [4, 5] },
      { id: "rest", label: "rest", r: [1, 5], fm: [1, 5] },
    ])
    expect(o.churn).toMatchObject({ horizonDays: 60, minCustomers: 40 })
  })

  it("refuses a group list with gaps or bad ranges, naming the field", () => {
    expect(() => parsePluginOptions({ rfm: { groups: [{ id: "top", r: [3, 5], fm: [1, 5] }] } })).toThrow(/rfm\.groups: every R .* none matches R=1 FM=1/)
    expect(() => parsePluginOptions({ rfm: { groups: [{ id: "all", r: [5, 1], fm: [1, 5] }] } })).toThrow(/rfm\.groups\.0\.r: must be \[min, max\]/)
    expect(() => parsePluginOptions({ rfm: { groups: [{ id: "all", r: [1, 6], fm: [1, 5] }] } })).toThrow(/rfm\.groups\.0\.r\.1/)
    expect(() => parsePluginOptions({ rfm: { groups: [{ id: "All", r: [1, 5], fm: [1, 5] }] } })).toThrow(/rfm\.groups\.0\.id/)
    expect(() => parsePluginOptions({ churn: { horizonDays: 3 } })).toThrow(/churn\.horizonDays/)
    expect(() => parsePluginOptions({ churn: { horizon: 30 } })).toThrow(/churn/)
  })
})
