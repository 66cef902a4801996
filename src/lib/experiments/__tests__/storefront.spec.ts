import { exposureSubjectOf, rankVariants } from "../storefront"
import { subjectKeyOf } from "../expose"
import { pickVariant } from "../../storefront/pick-variant"

const v = (id: string, segment_id: string | null, priority: number, status = "active") => ({ id, segment_id, priority, status })

describe("rankVariants", () => {
  it("orders the eligible variants as pickVariant would pick them one after another", () => {
    const variants = [v("d1", null, 0), v("a", "s1", 5), v("b", "s2", 9), v("c", "s3", 7), v("d2", null, 3), v("x", "s1", 99, "draft")]
    const ranked = rankVariants(variants, new Set(["s1", "s2"]))
    expect(ranked.map((r) => r.id)).toEqual(["b", "a", "d2", "d1"])
    expect(ranked[0]).toBe(pickVariant(variants, new Set(["s1", "s2"])))
    expect(rankVariants(variants, new Set()).map((r) => r.id)).toEqual(["d2", "d1"])
    expect(rankVariants([], new Set(["s1"]))).toEqual([])
  })
})

describe("subject keys", () => {
  it("customer wins over visitor; no subject, no key", () => {
    expect(subjectKeyOf(exposureSubjectOf({ kind: "customer", customer_id: "cus_1", visitor_id: "v-12345678" }))).toBe("customer:cus_1")
    expect(subjectKeyOf(exposureSubjectOf({ kind: "visitor", visitor_id: "v-12345678" }))).toBe("visitor:v-12345678")
    expect(subjectKeyOf(exposureSubjectOf({ kind: "none" }))).toBeNull()
  })
})
