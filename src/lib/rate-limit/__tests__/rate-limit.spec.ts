import fc from "fast-check"
import { checkRate, clientAddress, createLimiters, type RateDecision } from "../index"

describe("events rate limits (in-memory buckets)", () => {
  const options = { enabled: true, subject: { perSecond: 2, burst: 1 }, ip: { perSecond: 5, burst: 0 }, proxyHops: 1 }

  it("a subject gets perSecond + burst tokens, then a refusal naming the subject with a Retry-After of at least 1 s", async () => {
    const limiters = createLimiters(options, undefined, `t1-${Math.random()}`)
    const decisions: RateDecision[] = []
    for (let i = 0; i < 4; i++) decisions.push(await checkRate(limiters, null, "v:alice"))
    expect(decisions.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }])
    expect(decisions[3]).toMatchObject({ allowed: false, scope: "subject" })
    expect((decisions[3] as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1)
    // Another subject has its own bucket.
    expect(await checkRate(limiters, null, "v:bob")).toEqual({ allowed: true })
  })

  it("the IP bucket is shared by every subject behind the address and is checked first", async () => {
    const limiters = createLimiters(options, undefined, `t2-${Math.random()}`)
    const results: RateDecision[] = []
    for (let i = 0; i < 6; i++) results.push(await checkRate(limiters, "10.0.0.1", `v:visitor-${i}`))
    expect(results.filter((r) => r.allowed)).toHaveLength(5)
    expect(results[5]).toMatchObject({ allowed: false, scope: "ip" })
    expect(await checkRate(limiters, "10.0.0.2", "v:visitor-x")).toEqual({ allowed: true })
  })

  it("no subject and no address: nothing to count, allowed", async () => {
    const limiters = createLimiters(options, undefined, `t3-${Math.random()}`)
    for (let i = 0; i < 10; i++) expect(await checkRate(limiters, null, null)).toEqual({ allowed: true })
  })
})

describe("clientAddress (which X-Forwarded-For entry the per-IP bucket trusts)", () => {
  it("no proxy (hops 0): the socket peer, whatever the header says", () => {
    expect(clientAddress("6.6.6.6", "10.0.0.9", 0)).toBe("10.0.0.9")
  })

  it("one proxy (hops 1): the address the proxy appended, not what the client prepended", () => {
    // client sent "X-Forwarded-For: 6.6.6.6"; the load balancer (10.0.0.2) appended the real peer 203.0.113.7
    expect(clientAddress("6.6.6.6, 203.0.113.7", "10.0.0.2", 1)).toBe("203.0.113.7")
    expect(clientAddress(undefined, "10.0.0.2", 1)).toBe("10.0.0.2")
    expect(clientAddress(["1.1.1.1", "2.2.2.2"], "10.0.0.2", 2)).toBe("1.1.1.1")
    expect(clientAddress(undefined, undefined, 1)).toBeNull()
  })

  it("whatever a client prepends, the trusted part of the chain decides the key", () => {
    const addr = fc.ipV4()
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }), fc.array(addr, { minLength: 0, maxLength: 3 }), addr, (forged, proxies, socket) => {
        const hops = proxies.length
        const trusted = [...proxies]
        const honest = clientAddress(trusted.join(", ") || undefined, socket, hops)
        const spoofed = clientAddress([...forged.map((f) => f.replace(/,/g, "")), ...trusted].join(", "), socket, hops)
        expect(spoofed).toBe(honest)
      })
    )
  })
})
