import { numberProblem, rawJsonProblem } from "../json-scan"
import { jsonContentTypeProblem } from "../json-body"

describe("rawJsonProblem", () => {
  it("accepts ordinary JSON: keys that merely contain the words, exact numbers, strings that look like numbers", () => {
    for (const text of [
      `{"events":[{"id":"a","properties":{"my_constructor":"x","proto":1,"price":19.99,"n":-0,"big":9007199254740991}}]}`,
      `{"a":"__proto__","b":["constructor",1e-7,0.1,1.5]}`,
      `[1, 2.50, -3e2, 1E+2, 0.000001, 123456789.123]`,
      `"just a string"`,
      `{"":{"":[]}}`,
    ]) {
      expect({ text, problem: rawJsonProblem(text) }).toEqual({ text, problem: null })
    }
  })

  it("refuses __proto__, constructor and prototype as keys at any depth, naming the path (escaped spellings too)", () => {
    expect(rawJsonProblem(`{"__proto__":{"x":1}}`)).toBe("__proto__: '__proto__' is not allowed as a key")
    expect(rawJsonProblem(`{"purposes":{"personalization":"granted","constructor":"granted"}}`)).toBe(
      "purposes.constructor: 'constructor' is not allowed as a key"
    )
    expect(rawJsonProblem(`{"events":[{"id":"a"},{"properties":{"deep":[{"\\u005f_proto__":1}]}}]}`)).toBe(
      "events.1.properties.deep.0.__proto__: '__proto__' is not allowed as a key"
    )
    expect(rawJsonProblem(`{"rule":{"rules":[{"prototype":true}]}}`)).toBe("rule.rules.0.prototype: 'prototype' is not allowed as a key")
  })

  it("refuses numbers outside ±(2^53 − 1) or not exact as written, naming the path", () => {
    expect(rawJsonProblem(`{"events":[{"properties":{"n":1e400}}]}`)).toBe(
      "events.0.properties.n: 1e400 is outside the safe number range (±9007199254740991)"
    )
    expect(rawJsonProblem(`{"a":[0,18446744073709551617]}`)).toBe("a.1: 18446744073709551617 is outside the safe number range (±9007199254740991)")
    expect(rawJsonProblem(`{"x":-9007199254740992}`)).toMatch(/^x: -9007199254740992 is outside the safe number range/)
    expect(rawJsonProblem(`{"x":0.1000000000000000000001}`)).toBe("x: 0.1000000000000000000001 cannot be stored exactly (it would read 0.1)")
    expect(rawJsonProblem(`{"x":1e-400}`)).toBe("x: 1e-400 cannot be stored exactly (it would read 0)")
    expect(rawJsonProblem(`12345678901234567890123456789`)).toMatch(/^body: 12345678901234567890123456789 is outside/)
    // an empty key is named, not left blank
    expect(rawJsonProblem(`{"variants":{"":1e308}}`)).toMatch(/^variants\."": 1e308 is outside/)
    expect(rawJsonProblem(`{"":[9007199254740992]}`)).toMatch(/^""\.0: 9007199254740992 is outside/)
  })

  it("numberProblem: the same value written differently is exact", () => {
    for (const ok of ["0", "-0", "0.0", "1.10", "1e2", "100E-2", "9007199254740991", "-9007199254740991", "5e-324", "1e-320", "123.456e1"]) {
      expect({ ok, problem: numberProblem(ok) }).toEqual({ ok, problem: null })
    }
  })
})

describe("jsonContentTypeProblem", () => {
  it("accepts application/json and +json types in utf-8; refuses others, naming what was sent", () => {
    for (const ok of ["application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8", "application/merge-patch+json"]) {
      expect({ ok, problem: jsonContentTypeProblem(ok) }).toEqual({ ok, problem: null })
    }
    expect(jsonContentTypeProblem(undefined)).toBe("missing; send application/json")
    expect(jsonContentTypeProblem("text/plain")).toBe("text/plain is not accepted; send application/json")
    expect(jsonContentTypeProblem("application/x-www-form-urlencoded")).toMatch(/^application\/x-www-form-urlencoded is not accepted/)
    expect(jsonContentTypeProblem("multipart/form-data; boundary=x")).toMatch(/^multipart\/form-data is not accepted/)
    expect(jsonContentTypeProblem("application/json; charset=latin1")).toBe("charset latin1 is not accepted; send utf-8")
  })
})
