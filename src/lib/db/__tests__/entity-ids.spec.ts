import { decodeTime } from "ulid"
import { entityIds } from "../entity-ids"

describe("entityIds", () => {
  it("makes ids in generateEntityId's format: prefix, 26-character Crockford ULID whose time part is `now`", () => {
    const now = Date.UTC(2026, 10, 26, 23, 40, 1, 234)
    const ids = entityIds("pevt", 500, now)
    expect(ids).toHaveLength(500)
    for (const id of ids) {
      expect(id).toMatch(/^pevt_[0-9ABCDEFGHJKMNPQRSTVWXYZ]{26}$/)
      expect(decodeTime(id.slice(5))).toBe(now)
    }
    expect(new Set(ids).size).toBe(500)
    expect(entityIds("x", 0)).toEqual([])
  })
})
