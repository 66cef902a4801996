// Issue #21.4: strict transports on the plugin's routes. Every route under /store/personalization and
// /admin/personalization with a body: a JSON content type (415 otherwise), the route's size limit (413 naming `body`),
// UTF-8 JSON (400 naming `body`), no __proto__ / constructor / prototype keys at any depth and no number JavaScript
// cannot hold exactly (400 naming the path) — each refusal first proven on its allowed path, and nothing written when
// refused. Every date parameter is bounded (400 naming it, never a 500).
import path from "path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { adminHeaders, publishableKey } from "../helpers/auth"
import { count, visitorId } from "../helpers/privacy"
import { sql } from "../../src/lib/db/raw-sql"

jest.setTimeout(240_000)

const EVENTS = "/store/personalization/events"
const CONSENT = "/store/personalization/consent"
const SEGMENTS = "/admin/personalization/segments"
const AUDIT = "/admin/personalization/audit"

medusaIntegrationTestRunner({
  medusaConfigFile: path.join(__dirname, "../.."),
  testSuite: ({ api, getContainer }) => {
    let pk: string
    let admin: Record<string, string>

    beforeAll(async () => {
      pk = await publishableKey(getContainer())
      admin = (await adminHeaders(getContainer())).headers
    })

    /** A raw request: the body is sent exactly as given (string or Buffer), with exactly these headers. */
    const raw = (method: string, url: string, headers: Record<string, string>, data?: string | Buffer) =>
      api.request({
        method,
        url,
        headers,
        data,
        transformRequest: [(d: unknown) => d],
        validateStatus: () => true,
        maxBodyLength: Infinity,
        maxContentLength: Infinity,
      })
    const json = { "content-type": "application/json" }
    const visitor = (tag: string) => ({ "x-publishable-api-key": pk, "x-visitor-id": visitorId(tag) })
    const granted = JSON.stringify({ purposes: { personalization: "granted" } })
    const storedProperties = async (clientId: string) =>
      (await sql<{ properties: unknown }>(getContainer(), `SELECT properties FROM personalization_behavior_event WHERE client_id = $1`, [clientId]))[0]
        ?.properties
    const segmentCount = () => count(getContainer(), "personalization_segment")

    it("content type: JSON (charset utf-8, +json) is accepted; text/plain, form-encoded, multipart and none are a 415", async () => {
      for (const type of ["application/json", "application/json; charset=utf-8", "application/vnd.api+json"]) {
        const res = await raw("POST", CONSENT, { ...visitor("ct-ok"), "content-type": type }, granted)
        expect({ type, status: res.status }).toEqual({ type, status: 200 })
      }
      const before = await count(getContainer(), "personalization_consent_record")
      for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=latin1", null]) {
        const headers: Record<string, string> = { ...visitor("ct-bad") }
        if (type) headers["content-type"] = type
        const res = await raw("POST", CONSENT, headers, granted)
        expect({ type, status: res.status }).toEqual({ type, status: 415 })
        expect(res.data.message).toMatch(/^content-type: /)
      }
      // admin routes too, including one that configures no middleware of its own (archive)
      const created = await raw("POST", SEGMENTS, { ...admin, ...json }, JSON.stringify({ handle: "ct-seg", name: "CT", rule_text: "orders_count >= 1" }))
      expect(created.status).toBe(201)
      const plain = await raw("POST", SEGMENTS, { ...admin, "content-type": "text/plain" }, JSON.stringify({ handle: "ct-2", name: "CT 2", rule_text: "orders_count >= 1" }))
      expect(plain.status).toBe(415)
      const form = await raw("POST", `${SEGMENTS}/${created.data.segment.id}/archive`, { ...admin, "content-type": "application/x-www-form-urlencoded" }, "a=1")
      expect(form.status).toBe(415)
      expect(await count(getContainer(), "personalization_consent_record")).toBe(before)
      expect(await segmentCount()).toBe(1)
      // no body: no content type needed
      const archived = await raw("POST", `${SEGMENTS}/${created.data.segment.id}/archive`, { ...admin })
      expect(archived.status).toBe(200)
      expect(archived.data.segment.status).toBe("archived")
    })

    it("__proto__, constructor and prototype are refused as keys at any depth (400 naming the path); such words as values are kept", async () => {
      const h = visitor("proto")
      expect((await raw("POST", CONSENT, { ...h, ...json }, granted)).status).toBe(200)
      const ok = await raw(
        "POST",
        EVENTS,
        { ...h, ...json },
        JSON.stringify({ events: [{ id: "proto-ok", type: "page_viewed", properties: { word: "__proto__", my_constructor: "constructor" } }] })
      )
      expect(ok.status).toBe(202)
      expect(await storedProperties("proto-ok")).toEqual({ word: "__proto__", my_constructor: "constructor" })

      const cases: [string, string, string][] = [
        [EVENTS, `{"events":[{"id":"p1","type":"page_viewed","properties":{"__proto__":{"admin":true}}}]}`, "events.0.properties.__proto__: '__proto__' is not allowed as a key"],
        [EVENTS, `{"events":[{"id":"p2","type":"page_viewed","properties":{"a":[{"constructor":{"prototype":1}}]}}]}`, "events.0.properties.a.0.constructor: 'constructor' is not allowed as a key"],
        [CONSENT, `{"purposes":{"__proto__":"granted","personalization":"granted"}}`, "purposes.__proto__: '__proto__' is not allowed as a key"],
        [EVENTS, `{"__proto__":{"events":[]},"events":[{"id":"p3","type":"page_viewed"}]}`, "__proto__: '__proto__' is not allowed as a key"],
      ]
      for (const [url, body, message] of cases) {
        const res = await raw("POST", url, { ...h, ...json }, body)
        expect({ body, status: res.status, message: res.data.message }).toEqual({ body, status: 400, message })
      }
      expect(await count(getContainer(), "personalization_behavior_event", "client_id IN ('p1', 'p2', 'p3')")).toBe(0)
      const rule = await raw("POST", SEGMENTS, { ...admin, ...json }, `{"handle":"proto-seg","name":"P","rule":{"type":"and","rules":[{"type":"trait","trait":"orders_count","op":">=","value":1,"prototype":{}}]}}`)
      expect(rule.status).toBe(400)
      expect(rule.data.message).toBe("rule.rules.0.prototype: 'prototype' is not allowed as a key")
    })

    it("numbers: exact ones within ±(2^53 − 1) are stored as sent; 1e400, 2^64 + 1 and inexact decimals are a 400 naming the field", async () => {
      const h = visitor("num")
      expect((await raw("POST", CONSENT, { ...h, ...json }, granted)).status).toBe(200)
      const okText = `{"events":[{"id":"num-ok","type":"page_viewed","properties":{"max":9007199254740991,"min":-9007199254740991,"price":19.99,"tiny":1e-7,"zero":0}}]}`
      expect((await raw("POST", EVENTS, { ...h, ...json }, okText)).status).toBe(202)
      expect(await storedProperties("num-ok")).toEqual({ max: 9007199254740991, min: -9007199254740991, price: 19.99, tiny: 1e-7, zero: 0 })

      const cases: [string, string][] = [
        [`{"events":[{"id":"n1","type":"page_viewed","properties":{"n":1e400}}]}`, "events.0.properties.n: 1e400 is outside the safe number range (±9007199254740991)"],
        [`{"events":[{"id":"n2","type":"page_viewed","properties":{"n":18446744073709551617}}]}`, "events.0.properties.n: 18446744073709551617 is outside the safe number range (±9007199254740991)"],
        [`{"events":[{"id":"n3","type":"page_viewed","properties":{"n":[1,0.1000000000000000000001]}}]}`, "events.0.properties.n.1: 0.1000000000000000000001 cannot be stored exactly (it would read 0.1)"],
      ]
      for (const [body, message] of cases) {
        const res = await raw("POST", EVENTS, { ...h, ...json }, body)
        expect({ body, status: res.status, message: res.data.message }).toEqual({ body, status: 400, message })
      }
      expect(await count(getContainer(), "personalization_behavior_event", "client_id IN ('n1', 'n2', 'n3')")).toBe(0)
      const rule = await raw("POST", SEGMENTS, { ...admin, ...json }, `{"handle":"num-seg","name":"N","rule":{"type":"trait","trait":"orders_count","op":">=","value":1e400}}`)
      expect(rule.status).toBe(400)
      expect(rule.data.message).toBe("rule.value: 1e400 is outside the safe number range (±9007199254740991)")
    })

    it("size and syntax: at the limit accepted; over it a 413 naming body (declared or chunked); invalid JSON and UTF-8 a 400 naming body", async () => {
      const h = visitor("size")
      expect((await raw("POST", CONSENT, { ...h, ...json }, granted)).status).toBe(200)
      // admin routes: 64 KiB; a description that brings the body to exactly the limit is accepted
      const base = { handle: "size-seg", name: "Size", rule_text: "orders_count >= 1", description: "" }
      const at = JSON.stringify({ ...base, description: "d".repeat(64 * 1024 - JSON.stringify(base).length) })
      expect(Buffer.byteLength(at)).toBe(64 * 1024)
      const accepted = await raw("POST", SEGMENTS, { ...admin, ...json }, at)
      // the description itself is longer than the field allows: the body limit let it through to validation
      expect(accepted.status).toBe(400)
      expect(accepted.data.message).toMatch(/^description: /)
      const over = JSON.stringify({ ...base, description: "d".repeat(64 * 1024) })
      const declared = await raw("POST", SEGMENTS, { ...admin, ...json }, over)
      expect(declared.status).toBe(413)
      expect(declared.data.message).toBe(`body: request body is ${Buffer.byteLength(over)} bytes; the limit is 65536 bytes`)
      // far beyond Medusa's own parser limit: still ours, naming body
      const huge = await raw("POST", `${SEGMENTS}/preview`, { ...admin, ...json }, JSON.stringify({ rule_text: "x".repeat(5 * 1024 * 1024) }))
      expect(huge.status).toBe(413)
      expect(huge.data.message).toMatch(/^body: request body is \d+ bytes; the limit is 65536 bytes$/)
      // events: 300 KiB, also when the length is not declared (chunked)
      const { Readable } = await import("stream")
      const bigEvents = JSON.stringify({ events: [{ id: "big", type: "page_viewed", properties: { pad: "p".repeat(310 * 1024) } }] })
      const chunked = await api.request({
        method: "POST",
        url: EVENTS,
        headers: { ...h, ...json },
        data: Readable.from([Buffer.from(bigEvents)]),
        validateStatus: () => true,
        maxBodyLength: Infinity,
      })
      expect(chunked.status).toBe(413)
      expect(chunked.data.message).toBe(`body: request body is ${Buffer.byteLength(bigEvents)} bytes; the limit is 307200 bytes`)

      const invalid = await raw("POST", SEGMENTS, { ...admin, ...json }, `{"handle": "x",}`)
      expect(invalid.status).toBe(400)
      expect(invalid.data.message).toMatch(/^body: is not valid JSON \(/)
      const latin1 = await raw("POST", CONSENT, { ...h, ...json }, Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d]))
      expect(latin1.status).toBe(400)
      expect(latin1.data.message).toBe("body: is not valid UTF-8")
      expect(await count(getContainer(), "personalization_behavior_event", "client_id = 'big'")).toBe(0)
      expect(await segmentCount()).toBe(0)
    })

    it("date parameters are bounded: 1970 … 9999 accepted; year 0000 or a date before 1970 is a 400 naming the parameter (year 0000 was a 500)", async () => {
      for (const q of ["from=1970-01-01T00:00:00Z", "to=9999-12-31T23:59:59Z", "from=2026-01-01T00:00:00%2B02:00"]) {
        const res = await raw("GET", `${AUDIT}?${q}`, { ...admin })
        expect({ q, status: res.status }).toEqual({ q, status: 200 })
      }
      for (const [q, field] of [
        ["from=0000-01-01T00:00:00Z", "from"],
        ["to=0000-01-01T00:00:00Z", "to"],
        ["from=1969-12-31T23:59:59Z", "from"],
      ]) {
        const res = await raw("GET", `${AUDIT}?${q}`, { ...admin })
        expect({ q, status: res.status }).toEqual({ q, status: 400 })
        expect(res.data.message).toBe(`${field}: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z`)
      }
      const day = await raw("GET", `/admin/personalization/analytics/segments?from=0000-01-01`, { ...admin })
      expect(day.status).toBe(400)
      expect(day.data.message).toBe("from: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
      // a recent day (not a fixed date: the period may span at most MAX_DAYS up to yesterday, so a fixed one ages out)
      const recent = new Date(Date.now() - 10 * 86_400_000).toISOString().slice(0, 10)
      expect((await raw("GET", `/admin/personalization/analytics/segments?from=${recent}`, { ...admin })).status).toBe(200)
      const h = visitor("date")
      expect((await raw("POST", CONSENT, { ...h, ...json }, granted)).status).toBe(200)
      const old = await raw("POST", EVENTS, { ...h, ...json }, JSON.stringify({ events: [{ id: "d0", type: "page_viewed", occurred_at: "0000-01-01T00:00:00Z" }] }))
      expect(old.status).toBe(400)
      expect(old.data.message).toBe("events.0.occurred_at: must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z")
    })
  },
})
