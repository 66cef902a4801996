import { execFlags } from "../exec-flags"

const uninstallFlags = (args: string[], argv: string[]) => execFlags(/uninstall\.(js|ts)$/, args, argv)

const medusa = ["/usr/bin/node", "/store/node_modules/.bin/medusa", "exec"]
const script = "./node_modules/medusa-personalization/.medusa/server/src/scripts/uninstall.js"

describe("execFlags (the uninstall script)", () => {
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

describe("execFlags (check-consistency, as `npm run check:consistency -- --repair` runs it)", () => {
  const argv = ["/usr/bin/node", "/x/node_modules/.bin/medusa", "exec", "./src/scripts/check-consistency.ts", "--", "--repair", "--json"]
  it("reads the flags after the script, not another script's", () => {
    expect(execFlags(/check-consistency\.(js|ts)$/, [], argv)).toEqual(new Set(["repair", "json"]))
    expect(execFlags(/uninstall\.(js|ts)$/, [], argv)).toEqual(new Set())
    expect(execFlags(/check-consistency\.(js|ts)$/, [], argv.slice(0, 4))).toEqual(new Set())
  })
})
