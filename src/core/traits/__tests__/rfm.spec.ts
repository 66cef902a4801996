import { DEFAULT_RFM_GROUPS, recencyDays, rfmGroupOf, rfmGroupTable, scoreRfm, validateRfmGroups, type RfmGroupDef } from "../rfm"

describe("RFM groups", () => {
  it("the defaults are valid, cover every (R, FM) and use the documented names", () => {
    expect(validateRfmGroups(DEFAULT_RFM_GROUPS)).toEqual([])
    expect(new Set(rfmGroupTable().map((row) => row.group))).toEqual(
      new Set(["champions", "loyal", "potential_loyalist", "new", "promising", "need_attention", "about_to_sleep", "at_risk", "cant_lose_them", "lost"])
    )
    expect(rfmGroupTable()).toHaveLength(125)
  })

  it.each([
    [5, 5, 5, "champions"],
    [4, 4, 5, "champions"],
    [1, 5, 5, "cant_lose_them"],
    [3, 4, 4, "loyal"],
    [5, 3, 3, "loyal"],
    [2, 3, 3, "at_risk"],
    [5, 1, 1, "new"],
    [4, 1, 2, "promising"],
    [5, 2, 2, "potential_loyalist"],
    [3, 2, 2, "need_attention"],
    [3, 1, 1, "about_to_sleep"],
    [1, 1, 1, "lost"],
    [2, 2, 2, "lost"],
  ])("R=%i F=%i M=%i → %s", (r, f, m, group) => {
    expect(rfmGroupOf(r, f, m)).toBe(group)
  })

  it("first matching group wins, so the order of the list is the priority", () => {
    const groups: RfmGroupDef[] = [
      { id: "vip", label: "VIP", r: [1, 5], fm: [5, 5] },
      { id: "everyone", label: "Everyone", r: [1, 5], fm: [1, 5] },
    ]
    expect(validateRfmGroups(groups)).toEqual([])
    expect(rfmGroupOf(1, 5, 5, groups)).toBe("vip")
    expect(rfmGroupOf(5, 4, 5, groups)).toBe("everyone")
  })

  it("reports gaps, bad ranges and duplicate ids with their path", () => {
    const gap = validateRfmGroups([{ id: "top", label: "Top", r: [3, 5], fm: [1, 5] }])
    expect(gap[0]).toMatch(/^\(list\): every R .* none matches R=1 FM=1/)
    expect(validateRfmGroups([{ id: "x", label: "X", r: [0, 5], fm: [1, 5] }])).toEqual([expect.stringMatching(/^0\.r: /)])
    expect(validateRfmGroups([{ id: "x", label: "X", r: [1, 5], fm: [4, 2] }])).toEqual([expect.stringMatching(/^0\.fm: /)])
    expect(
      validateRfmGroups([
        { id: "x", label: "X", r: [1, 5], fm: [1, 5] },
        { id: "x", label: "X", r: [1, 5], fm: [1, 5] },
      ])
    ).toEqual([expect.stringMatching(/^1\.id: 'x' is listed twice/)])
    expect(validateRfmGroups([{ id: "Bad-Id", label: "X", r: [1, 5], fm: [1, 5] }])[0]).toMatch(/^0\.id: /)
    expect(validateRfmGroups([])).toEqual(["(list): at least one group is needed"])
  })
})

describe("scoreRfm", () => {
  it("scores five distinct customers 1..5 on each axis; recency is reversed (recent = 5)", () => {
    const rows = [
      { id: "a", recency_days: 1, orders_count: 9, total_spent: "900.00" },
      { id: "b", recency_days: 10, orders_count: 5, total_spent: "500" },
      { id: "c", recency_days: 30, orders_count: 3, total_spent: "300" },
      { id: "d", recency_days: 90, orders_count: 2, total_spent: "200" },
      { id: "e", recency_days: 200, orders_count: 1, total_spent: "10" },
    ]
    const s = scoreRfm(rows)
    expect(s.get("a")).toEqual({ r: 5, f: 5, m: 5, group: "champions" })
    expect(s.get("c")).toEqual({ r: 3, f: 3, m: 3, group: "loyal" })
    expect(s.get("e")).toEqual({ r: 1, f: 1, m: 1, group: "lost" })
  })

  it("compares money exactly (beyond double precision)", () => {
    const s = scoreRfm([
      { id: "a", recency_days: 1, orders_count: 1, total_spent: "12345678901234567.01" },
      { id: "b", recency_days: 1, orders_count: 1, total_spent: "12345678901234567.02" },
    ])
    expect(s.get("a")!.m).toBe(2)
    expect(s.get("b")!.m).toBe(4)
  })

  it("one customer and all-equal customers score 3 on every axis (loyal by default)", () => {
    expect(scoreRfm([{ id: "solo", recency_days: 4, orders_count: 1, total_spent: 20 }]).get("solo")).toEqual({ r: 3, f: 3, m: 3, group: "loyal" })
    const same = scoreRfm(Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, recency_days: 4, orders_count: 2, total_spent: "20" })))
    for (const v of same.values()) expect(v).toEqual({ r: 3, f: 3, m: 3, group: "loyal" })
  })

  it("an empty store scores nobody", () => {
    expect(scoreRfm([]).size).toBe(0)
  })

  it("recencyDays counts whole days, rounding down", () => {
    const now = new Date("2026-06-10T12:00:00Z")
    expect(recencyDays(new Date("2026-06-10T00:00:00Z"), now)).toBe(0)
    expect(recencyDays(new Date("2026-06-08T13:00:00Z"), now)).toBe(1)
    expect(recencyDays(new Date("2026-05-31T12:00:00Z"), now)).toBe(10)
  })
})
