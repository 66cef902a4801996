import { describeGroupRuleChange, planGroupRuleChange } from "../group-rules"

const ours = (v: string) => v.startsWith("cusgroup_ours") || v.startsWith("pxhold_")

describe("planGroupRuleChange", () => {
  it("leaves a rule without our values alone", () => {
    expect(planGroupRuleChange({ operator: "in", values: ["cusgroup_b2b"] }, ours, true)).toEqual({ kind: "none" })
  })

  it("keeps the merchant's own groups in a gate and removes ours", () => {
    expect(planGroupRuleChange({ operator: "in", values: ["cusgroup_ours1", "cusgroup_b2b"] }, ours, true)).toEqual({
      kind: "keep",
      removed: ["cusgroup_ours1"],
      values: ["cusgroup_b2b"],
    })
  })

  it("removes a gate holding only our groups and deactivates the active offer (never opens it to everyone)", () => {
    expect(planGroupRuleChange({ operator: "in", values: ["cusgroup_ours1", "cusgroup_ours2"] }, ours, true)).toEqual({
      kind: "remove",
      removed: ["cusgroup_ours1", "cusgroup_ours2"],
      deactivate: true,
    })
    expect(planGroupRuleChange({ operator: "eq", values: ["cusgroup_ours1"] }, ours, true)).toMatchObject({ kind: "remove", deactivate: true })
  })

  it("does not touch the status of an offer that is not active", () => {
    expect(planGroupRuleChange({ operator: "in", values: ["cusgroup_ours1"] }, ours, false)).toMatchObject({ kind: "remove", deactivate: false })
  })

  it("removes an exclusion of only our groups (or a holdout marker) without deactivating anything", () => {
    expect(planGroupRuleChange({ operator: "ne", values: ["pxhold_pexp_1"] }, ours, true)).toEqual({
      kind: "remove",
      removed: ["pxhold_pexp_1"],
      deactivate: false,
    })
    expect(planGroupRuleChange({ operator: "nin", values: ["cusgroup_ours1", "cusgroup_vip"] }, ours, true)).toEqual({
      kind: "keep",
      removed: ["cusgroup_ours1"],
      values: ["cusgroup_vip"],
    })
  })

  it("describes each change in one line", () => {
    expect(describeGroupRuleChange({ kind: "none" }, "inactive")).toBe("unchanged")
    expect(describeGroupRuleChange({ kind: "keep", removed: ["a"], values: ["b"] }, "inactive")).toBe("rule keeps b (removes a)")
    expect(describeGroupRuleChange({ kind: "remove", removed: ["a"], deactivate: true }, "draft")).toContain('set to "draft"')
    expect(describeGroupRuleChange({ kind: "remove", removed: ["a"], deactivate: false }, "draft")).toBe("rule removed (removes a)")
  })
})
