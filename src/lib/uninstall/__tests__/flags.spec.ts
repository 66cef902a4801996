import { uninstallFlags } from "../flags"

const medusa = ["/usr/bin/node", "/store/node_modules/.bin/medusa", "exec"]
const script = "./node_modules/medusa-personalization/.medusa/server/src/scripts/uninstall.js"

describe("uninstallFlags", () => {
  it("a bare run is a dry run", () => {
    expect([...uninstallFlags([], [...medusa, script])]).toEqual([])
  })

  it("reads `-- --yes --json` after the script's path (medusa exec's parser keeps them out of args)", () => {
    expect(uninstallFlags([], [...medusa, script, "--", "--yes", "--json"])).toEqual(new Set(["yes", "json"]))
    expect(uninstallFlags([], [...medusa, script, "--json"])).toEqual(new Set(["json"]))
  })

  it("reads positional words medusa exec passes as args", () => {
    expect(uninstallFlags(["yes"], [...medusa, script, "yes"])).toEqual(new Set(["yes"]))
  })

  it("ignores whatever comes before the script's path (node's and medusa's own flags)", () => {
    expect(uninstallFlags([], ["/usr/bin/node", "--yes", "/x/medusa", "exec", script])).toEqual(new Set())
    expect(uninstallFlags([], ["/usr/bin/node", "jest", "--yes"])).toEqual(new Set())
  })
})
