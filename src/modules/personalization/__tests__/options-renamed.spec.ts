// Upgrades (#24.3): an option renamed by a release fails the boot naming its new name.
import { parsePluginOptions, renamedOptionIssues } from "../options"

// a rename table as a release would add it (the real one is empty so far)
const RENAMED = { refreshSchedule: "refreshCron", "cache.ttl": "cache.ttlSeconds" }

describe("renamed plugin options", () => {
  it("accepts the current names (allowed side first)", () => {
    expect(renamedOptionIssues({ refreshCron: "0 * * * *", cache: { ttlSeconds: 60 } }, RENAMED)).toEqual([])
    expect(() => parsePluginOptions({ refreshCron: "0 * * * *", cache: { ttlSeconds: 60 } }, RENAMED)).not.toThrow()
  })

  it("refuses an old name at the top level or nested, naming the new one", () => {
    expect(renamedOptionIssues({ refreshSchedule: "0 * * * *", cache: { ttl: 60 } }, RENAMED)).toEqual([
      "refreshSchedule: renamed to refreshCron (see CHANGELOG.md)",
      "cache.ttl: renamed to cache.ttlSeconds (see CHANGELOG.md)",
    ])
    expect(() => parsePluginOptions({ refreshSchedule: "0 * * * *" }, RENAMED)).toThrow(
      "medusa-personalization: invalid plugin options — refreshSchedule: renamed to refreshCron (see CHANGELOG.md)"
    )
  })

  it("an old name left unset (e.g. from a missing env var) is no error", () => {
    expect(renamedOptionIssues({ refreshSchedule: undefined }, RENAMED)).toEqual([])
  })

  it("without a rename entry an unknown key still fails strict parsing, naming it", () => {
    expect(() => parsePluginOptions({ refreshSchedule: "0 * * * *" })).toThrow(/refreshSchedule/)
  })
})
