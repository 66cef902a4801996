import fc from "fast-check"
import { pickVariant, type VariantCandidate } from "../pick-variant"
import { contentSource, PlacementContent, PLACEMENT_HANDLE_RE } from "../placement-content"
import { StoreGetSections } from "../../../api/store/personalization/sections/validators"
import { describeZodError } from "../../../api/utils/validate"

const v = (id: string, segment_id: string | null, priority: number, extra: Partial<VariantCandidate> = {}): VariantCandidate => ({
  id,
  segment_id,
  priority,
  status: "active",
  created_at: new Date("2026-01-01T00:00:00Z"),
  ...extra,
})

describe("pickVariant", () => {
  it("picks the highest-priority variant of a segment the subject is in", () => {
    const variants = [v("a", "seg_1", 1), v("b", "seg_2", 5), v("c", "seg_3", 9), v("d", null, 100)]
    expect(pickVariant(variants, new Set(["seg_1", "seg_2"]))?.id).toBe("b")
  })

  it("falls back to the highest-priority default; a segment variant beats any default", () => {
    const variants = [v("d1", null, 1), v("d2", null, 3), v("s", "seg_1", -5)]
    expect(pickVariant(variants, new Set())?.id).toBe("d2")
    expect(pickVariant(variants, new Set(["seg_1"]))?.id).toBe("s")
  })

  it("ignores drafts and deleted variants, and answers null when nothing fits", () => {
    const variants = [v("a", "seg_1", 1, { status: "draft" }), v("b", null, 1, { deleted_at: new Date() })]
    expect(pickVariant(variants, new Set(["seg_1"]))).toBeNull()
  })

  it("breaks ties by age, then id", () => {
    const older = v("z", null, 2, { created_at: new Date("2025-01-01T00:00:00Z") })
    expect(pickVariant([v("a", null, 2), older], new Set())?.id).toBe("z")
    expect(pickVariant([v("b", null, 2), v("a", null, 2)], new Set())?.id).toBe("a")
  })

  it("property: the winner is live, matches the subject, and no live matching variant outranks it", () => {
    const variant = fc.record({
      id: fc.uuid(),
      segment_id: fc.option(fc.constantFrom("s1", "s2", "s3"), { nil: null }),
      priority: fc.integer({ min: -5, max: 5 }),
      status: fc.constantFrom("active", "draft"),
      created_at: fc.date({ min: new Date("2020-01-01"), max: new Date("2030-01-01"), noInvalidDate: true }),
    })
    fc.assert(
      fc.property(fc.array(variant, { maxLength: 12 }), fc.subarray(["s1", "s2", "s3"]), (variants, member) => {
        const memberOf = new Set(member)
        const won = pickVariant(variants, memberOf)
        const live = variants.filter((x) => x.status === "active")
        const targeted = live.filter((x) => x.segment_id && memberOf.has(x.segment_id))
        const pool = targeted.length ? targeted : live.filter((x) => x.segment_id === null)
        if (!pool.length) return won === null
        return won !== null && pool.includes(won) && pool.every((x) => x.priority <= won.priority)
      })
    )
  })
})

describe("placement content", () => {
  const parse = (c: unknown) => PlacementContent.safeParse(c)
  const message = (c: unknown) => {
    const r = parse(c)
    return r.success ? null : describeZodError(r.error)
  }

  it("accepts each product source and reports it", () => {
    expect(contentSource(PlacementContent.parse({ product_ids: ["prod_1"] }))).toEqual({ type: "product_ids", product_ids: ["prod_1"] })
    expect(contentSource(PlacementContent.parse({ collection_id: "pcol_1" }))).toEqual({ type: "collection", collection_id: "pcol_1" })
    expect(contentSource(PlacementContent.parse({ category_id: "pcat_1" }))).toEqual({ type: "category", category_id: "pcat_1" })
    expect(contentSource(PlacementContent.parse({ recommendations: { strategy: "for_you" } }))).toEqual({
      type: "recommendations",
      strategy: "for_you",
      limit: 8,
    })
  })

  it("requires exactly one product source", () => {
    expect(message({ title: "x" })).toContain("exactly one of product_ids, collection_id, category_id or recommendations")
    expect(message({ product_ids: ["a"], collection_id: "c" })).toContain("(got product_ids, collection_id)")
  })

  it("names the bad field", () => {
    expect(message({ product_ids: [], cta: { label: "Go", href: "javascript:alert(1)" } })).toMatch(/^cta\.href: /)
    expect(message({ product_ids: [], cta: { label: "Go", href: "//evil.example" } })).toMatch(/^cta\.href: /)
    expect(message({ product_ids: [], image_url: "ftp://x/y.png" })).toMatch(/^image_url: /)
    expect(message({ product_ids: ["a", "a"] })).toMatch(/^product_ids: must not repeat/)
    expect(message({ product_ids: [], colour: "red" })).toBe("colour: unknown field")
    expect(message({ recommendations: { strategy: "psychic" } })).toMatch(/^recommendations\.strategy: /)
    expect(message({ recommendations: { strategy: "popular", limit: 51 } })).toMatch(/^recommendations\.limit: /)
    expect(parse({ product_ids: [], cta: { label: "Sale", href: "/sale?x=1" }, image_url: "https://cdn.example/a.png" }).success).toBe(true)
  })

  it("handles: words joined by '.', '-' or '_'", () => {
    for (const ok of ["home.hero", "pdp.cross-sell", "cart_upsell", "a1"]) expect(PLACEMENT_HANDLE_RE.test(ok)).toBe(true)
    for (const bad of ["Home.hero", "home..hero", ".hero", "hero.", "home hero", "home/hero"]) {
      expect(PLACEMENT_HANDLE_RE.test(bad)).toBe(false)
    }
  })
})

describe("sections query", () => {
  const parse = (q: Record<string, unknown>) => StoreGetSections.safeParse(q)
  it("splits and trims the placement list; limit defaults to 12", () => {
    const r = parse({ placement: "home.hero, home.grid" })
    expect(r.success && r.data).toEqual({ placement: ["home.hero", "home.grid"], limit: 12 })
    const repeated = parse({ placement: ["home.hero", "home.grid,pdp.x"], limit: "3" })
    expect(repeated.success && repeated.data.placement).toEqual(["home.hero", "home.grid", "pdp.x"])
  })
  it("refuses a limit outside 1-50, a bad handle, a missing placement, unknown params", () => {
    const msg = (q: Record<string, unknown>) => {
      const r = parse(q)
      return r.success ? null : describeZodError(r.error)
    }
    expect(msg({ placement: "a.b", limit: "0" })).toMatch(/^limit: /)
    expect(msg({ placement: "a.b", limit: "51" })).toMatch(/^limit: /)
    expect(msg({ placement: "a.b", limit: "x" })).toMatch(/^limit: /)
    expect(msg({ placement: "Bad Handle" })).toMatch(/^placement\.0: /)
    expect(msg({})).toMatch(/^placement: /)
    expect(msg({ placement: "," })).toMatch(/^placement: /)
    expect(msg({ placement: "a.b", colour: "red" })).toBe("colour: unknown field")
  })
})
