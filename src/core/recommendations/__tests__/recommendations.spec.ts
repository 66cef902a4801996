import fc from "fast-check"
import {
  buildSimilarity,
  countCooccurrence,
  evaluateOffline,
  fill,
  forYou,
  ndcgAtK,
  pairScore,
  popularity,
  precisionAtK,
  recallAtK,
  scoreFromSeeds,
  sessionize,
  timeSplit,
  type Basket,
  type Edge,
} from ".."

const P = (...items: string[]): Basket => ({ kind: "purchase", items })
const V = (...items: string[]): Basket => ({ kind: "view", items })

// A, B, C bought together in patterns; D alone; B and C also viewed together once.
const BASKETS: Basket[] = [P("A", "B", "C"), P("A", "B"), P("A", "C"), P("D"), V("B", "C")]

describe("co-occurrence", () => {
  it("counts weighted items, pairs and support (hand-computed)", () => {
    const c = countCooccurrence(BASKETS)
    expect(c.total).toBe(4.25)
    expect(Object.fromEntries(c.items)).toEqual({ A: 3, B: 2.25, C: 2.25, D: 1 })
    const pair = (a: string, b: string) => [...c.pairs.values()].find((p) => p.a === a && p.b === b)
    expect(pair("A", "B")).toEqual({ a: "A", b: "B", weight: 2, support: 2, purchaseWeight: 2 })
    expect(pair("B", "C")).toEqual({ a: "B", b: "C", weight: 1.25, support: 2, purchaseWeight: 1 })
    expect(c.pairs.size).toBe(3)
  })

  it("scores cosine and lift as defined", () => {
    const c = countCooccurrence(BASKETS)
    const ab = [...c.pairs.values()].find((p) => p.a === "A" && p.b === "B")!
    const bc = [...c.pairs.values()].find((p) => p.a === "B" && p.b === "C")!
    expect(pairScore("cosine", ab, c)).toBeCloseTo(2 / Math.sqrt(3 * 2.25), 12) // 0.7698
    expect(pairScore("cosine", bc, c)).toBeCloseTo(1.25 / 2.25, 12) // 0.5556
    expect(pairScore("lift", ab, c)).toBeCloseTo((2 * 4.25) / (3 * 2.25), 12) // 1.2593
    expect(pairScore("lift", bc, c)).toBeCloseTo((1.25 * 4.25) / (2.25 * 2.25), 12) // 1.0494
  })

  it("keeps the top-K per product with minimum support, deterministic ties, reasons", () => {
    const top1 = buildSimilarity(BASKETS, { metric: "cosine", topK: 1, minSupport: 2 })
    expect(top1.map((n) => [n.product_id, n.neighbor_id, n.rank, n.reason])).toEqual([
      ["A", "B", 1, "bought_together"], // B and C tie on score and support: id order
      ["B", "A", 1, "bought_together"],
      ["C", "A", 1, "bought_together"],
    ])
    expect(buildSimilarity(BASKETS, { metric: "cosine", topK: 5, minSupport: 3 })).toEqual([])
    const all = buildSimilarity(BASKETS, { metric: "lift", topK: 5, minSupport: 1 })
    expect(all.filter((n) => n.product_id === "B").map((n) => [n.neighbor_id, n.rank, n.support])).toEqual([
      ["A", 1, 2],
      ["C", 2, 2],
    ])
  })

  it("names pairs seen mostly in browsing viewed_together, and ignores zero-weight kinds", () => {
    const rows = buildSimilarity([V("E", "F"), V("E", "F"), P("E")], { metric: "cosine", topK: 3, minSupport: 2 })
    expect(rows.map((r) => [r.product_id, r.neighbor_id, r.reason])).toEqual([
      ["E", "F", "viewed_together"],
      ["F", "E", "viewed_together"],
    ])
    expect(buildSimilarity([V("E", "F"), V("E", "F")], { metric: "cosine", topK: 3, minSupport: 1, weights: { view: 0 } })).toEqual([])
  })

  it("counts a product once per basket and cuts oversized baskets", () => {
    const c = countCooccurrence([P("A", "A", "B")])
    expect(c.items.get("A")).toBe(1)
    expect([...c.pairs.values()][0].weight).toBe(1)
    const big = countCooccurrence([P("A", "B", "C", "D")], { maxBasketSize: 2 })
    expect(big.pairs.size).toBe(1)
  })

  it("splits interactions into sessions on gaps", () => {
    const m = 60_000
    const sessions = sessionize(
      [
        { subject: "s1", item: "A", at: 0 },
        { subject: "s1", item: "B", at: 10 * m },
        { subject: "s1", item: "C", at: 100 * m }, // new session, single item: dropped
        { subject: "s2", item: "A", at: 5 * m },
        { subject: "s2", item: "A", at: 6 * m }, // one distinct item: dropped
      ],
      "view",
      30 * m
    )
    expect(sessions).toEqual([{ kind: "view", items: ["A", "B"] }])
  })
})

describe("scoring", () => {
  const edges: Edge[] = [
    { product_id: "A", neighbor_id: "B", score: 0.8, reason: "bought_together" },
    { product_id: "A", neighbor_id: "C", score: 0.5, reason: "bought_together" },
    { product_id: "D", neighbor_id: "C", score: 0.4, reason: "viewed_together" },
    { product_id: "D", neighbor_id: "A", score: 0.9, reason: "bought_together" },
  ]

  it("for you: neighbours of bought and viewed, minus what was bought (hand-computed)", () => {
    const r = forYou({ bought: ["A"], viewed: ["D"] }, edges, { viewedWeight: 0.5 })
    expect(r.map((x) => x.product_id)).toEqual(["B", "C"])
    expect(r[0].score).toBeCloseTo(0.8, 12)
    expect(r[1].score).toBeCloseTo(0.5 + 0.5 * 0.4, 12)
    expect(r[1].reason).toBe("bought_together") // 0.5 from A beats 0.2 from D
  })

  it("takes the reason of the largest contribution", () => {
    const r = scoreFromSeeds([{ product_id: "D", weight: 1 }], edges, ["A"])
    expect(r).toEqual([{ product_id: "C", score: 0.4, reason: "viewed_together" }])
  })

  it("popularity counts baskets, ties by id", () => {
    expect(popularity([{ items: ["B", "A", "A"] }, { items: ["B"] }, { items: ["C"] }])).toEqual([
      { product_id: "B", count: 2 },
      { product_id: "A", count: 1 },
      { product_id: "C", count: 1 },
    ])
  })

  it("fill takes primary then fallbacks, without duplicates, exclusions or rejected items", () => {
    const x = (id: string) => ({ product_id: id })
    const out = fill([[x("A"), x("B")], [x("B"), x("C"), x("D"), x("E")]], 3, { exclude: ["C"], allowed: (id) => id !== "D" })
    expect(out.map((o) => o.product_id)).toEqual(["A", "B", "E"])
  })
})

describe("metrics", () => {
  const rel = new Set(["b", "d", "x"])
  it("P@k, R@k and NDCG@k (hand-computed)", () => {
    const rec = ["a", "b", "c", "d"]
    expect(precisionAtK(rec, rel, 3)).toBeCloseTo(1 / 3, 12)
    expect(recallAtK(rec, rel, 3)).toBeCloseTo(1 / 3, 12)
    // DCG = 1/log2(3); IDCG = 1 + 1/log2(3) + 1/log2(4)
    expect(ndcgAtK(rec, rel, 3)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3) + 0.5), 12) // 0.2961
    expect(ndcgAtK(rec, rel, 4)).toBeCloseTo((1 / Math.log2(3) + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3) + 0.5), 12)
    expect(precisionAtK(["b"], rel, 10)).toBe(0.1) // a short list is not rewarded
    expect(recallAtK(rec, new Set(), 3)).toBe(0)
    expect(() => precisionAtK(rec, rel, 0)).toThrow()
  })
})

describe("offline evaluation", () => {
  const DAY = 86_400_000
  it("splits by time", () => {
    const { train, test } = timeSplit([{ at: 1 }, { at: 5 }, { at: 10 }], 5)
    expect(train).toEqual([{ at: 1 }])
    expect(test).toEqual([{ at: 5 }, { at: 10 }])
  })

  it("scores ours and popularity on a tiny hand-checked store", () => {
    // Bundles: X1+X2 and Y1+Y2 are bought together; P is the best seller everybody buys alone.
    const orders = [
      ...["u1", "u2", "u3"].map((s, i) => ({ subject: s, at: i * DAY, items: ["X1", "X2"] })),
      ...["u4", "u5"].map((s, i) => ({ subject: s, at: i * DAY, items: ["Y1", "Y2"] })),
      ...["u1", "u2", "u3", "u4", "u5", "u6"].map((s, i) => ({ subject: s, at: i * DAY, items: ["P"] })),
      { subject: "u7", at: 1 * DAY, items: ["X1"] },
      { subject: "u8", at: 1 * DAY, items: ["Y1"] },
      // test period: u7 buys X2, u8 buys Y2 (what the bundles predict), u9 has no history
      { subject: "u7", at: 20 * DAY, items: ["X2"] },
      { subject: "u8", at: 20 * DAY, items: ["Y2"] },
      { subject: "u9", at: 20 * DAY, items: ["P"] },
    ]
    const r = evaluateOffline(orders, { cutoff: 10 * DAY, k: 1, similarity: { metric: "cosine", topK: 5, minSupport: 2 } })
    expect(r.users_evaluated).toBe(2)
    expect(r.users_skipped).toBe(1)
    expect(r.ours).toEqual({ precision: 1, recall: 1, ndcg: 1 })
    expect(r.popularity).toEqual({ precision: 0, recall: 0, ndcg: 0 }) // P, the best seller, is never what they buy next
    expect(r.margin.precision).toBe(1)
    expect(r.neighbor_coverage).toBe(1)
  })
})

describe("properties", () => {
  const item = fc.constantFrom("p1", "p2", "p3", "p4", "p5", "p6")
  const basket = fc.record({
    kind: fc.constantFrom<Basket["kind"]>("purchase", "view", "cart"),
    items: fc.array(item, { minLength: 1, maxLength: 5 }),
  })
  const baskets = fc.array(basket, { maxLength: 30 })

  it("top-K lists: bounded, ranked, sorted, no self pairs, support respected; cosine in (0, 1]", () => {
    fc.assert(
      fc.property(baskets, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom<"cosine" | "lift">("cosine", "lift"), (bs, topK, minSupport, metric) => {
        const rows = buildSimilarity(bs, { metric, topK, minSupport })
        const byProduct = new Map<string, typeof rows>()
        for (const r of rows) byProduct.set(r.product_id, [...(byProduct.get(r.product_id) ?? []), r])
        for (const [, list] of byProduct) {
          expect(list.length).toBeLessThanOrEqual(topK)
          expect(list.map((r) => r.rank)).toEqual(list.map((_, i) => i + 1))
          for (let i = 1; i < list.length; i++) expect(list[i - 1].score).toBeGreaterThanOrEqual(list[i].score)
          expect(new Set(list.map((r) => r.neighbor_id)).size).toBe(list.length)
        }
        for (const r of rows) {
          expect(r.neighbor_id).not.toBe(r.product_id)
          expect(r.support).toBeGreaterThanOrEqual(minSupport)
          expect(r.score).toBeGreaterThan(0)
          if (metric === "cosine") expect(r.score).toBeLessThanOrEqual(1 + 1e-12)
        }
      })
    )
  })

  it("is symmetric when nothing is cut, and independent of basket order", () => {
    fc.assert(
      fc.property(baskets, (bs) => {
        const rows = buildSimilarity(bs, { metric: "cosine", topK: 10, minSupport: 1 })
        const key = (a: string, b: string) => `${a}>${b}`
        const score = new Map(rows.map((r) => [key(r.product_id, r.neighbor_id), r.score]))
        for (const r of rows) expect(score.get(key(r.neighbor_id, r.product_id))).toBe(r.score)
        expect(buildSimilarity([...bs].reverse(), { metric: "cosine", topK: 10, minSupport: 1 })).toEqual(rows)
      })
    )
  })

  it("for you never recommends a seed or a bought product; fill never repeats or exceeds the limit", () => {
    const edge = fc.record({
      product_id: item,
      neighbor_id: item,
      score: fc.double({ min: 0.01, max: 5, noNaN: true }),
      reason: fc.constantFrom<Edge["reason"]>("bought_together", "viewed_together"),
    })
    fc.assert(
      fc.property(fc.array(edge, { maxLength: 30 }), fc.array(item), fc.array(item), fc.integer({ min: 1, max: 8 }), (edges, bought, viewed, limit) => {
        const r = forYou({ bought, viewed }, edges)
        for (const x of r) {
          expect(bought).not.toContain(x.product_id)
          expect(viewed).not.toContain(x.product_id)
        }
        const out = fill([r, popularity([{ items: ["p1", "p2", "p3", "p4", "p5", "p6"] }])], limit, { exclude: bought })
        expect(out.length).toBeLessThanOrEqual(limit)
        expect(new Set(out.map((o) => o.product_id)).size).toBe(out.length)
        for (const o of out) expect(bought).not.toContain(o.product_id)
      })
    )
  })

  it("metrics stay in [0, 1]; a list that starts with every relevant item has NDCG 1; recall grows with k", () => {
    fc.assert(
      fc.property(fc.uniqueArray(item), fc.uniqueArray(item, { minLength: 1 }), fc.integer({ min: 1, max: 6 }), (rec, relevantList, k) => {
        const relevant = new Set(relevantList)
        for (const m of [precisionAtK, recallAtK, ndcgAtK]) {
          const v = m(rec, relevant, k)
          expect(v).toBeGreaterThanOrEqual(0)
          expect(v).toBeLessThanOrEqual(1 + 1e-12)
        }
        expect(recallAtK(rec, relevant, k + 1)).toBeGreaterThanOrEqual(recallAtK(rec, relevant, k))
        const perfect = [...relevantList, ...rec.filter((x) => !relevant.has(x))]
        expect(ndcgAtK(perfect, relevant, k)).toBeCloseTo(1, 12)
      })
    )
  })

  it("time split partitions the orders at the cutoff", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 })), fc.integer({ min: 0, max: 100 }), (ats, cutoff) => {
        const { train, test } = timeSplit(ats.map((at) => ({ at })), cutoff)
        expect(train.length + test.length).toBe(ats.length)
        expect(train.every((o) => o.at < cutoff)).toBe(true)
        expect(test.every((o) => o.at >= cutoff)).toBe(true)
      })
    )
  })
})
