// fast-check for every jest test file (a setupFile in jest.config.js): properties keep a random seed — that is how
// they find bugs — but it is one seed per test file, taken from FC_SEED when set, and every failure names it with the
// command that replays it. A property failure is a real bug to fix (or a generator to correct), never a flake to re-run.
//   FC_SEED=<seed> TEST_TYPE=unit NODE_OPTIONS=--experimental-vm-modules npx jest <file> -t '<test name>'
// Tests that draw data outside fc.assert (fc.sample) take the same seed from fc.readConfigureGlobal().seed; a
// property that passes its own `seed` (the HTTP fuzzer) keeps it.
const fc = require("fast-check")
const path = require("path")

const fromEnv = process.env.FC_SEED
if (fromEnv && !/^-?\d+$/.test(fromEnv)) throw new Error(`FC_SEED must be an integer, got '${fromEnv}'`)
const seed = fromEnv ? Number(fromEnv) | 0 : (Date.now() ^ Math.floor(Math.random() * 0x100000000)) | 0

fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  seed,
  reporter(out) {
    if (!out.failed) return
    const replay = out.seed === seed ? `Replay: ${replayCommand()}` : `This property fixes its own seed (${out.seed}); re-running replays it.`
    const error = new Error(`${fc.defaultReportMessage(out)}\n\n${replay}`)
    error.cause = out.errorInstance
    throw error
  },
})

function replayCommand() {
  const state = typeof expect !== "undefined" && expect.getState ? expect.getState() : {}
  const file = state.testPath ? path.relative(process.cwd(), state.testPath) : "<test file>"
  const name = String(state.currentTestName ?? "<test name>").replace(/'/g, `'\\''`)
  const type = process.env.TEST_TYPE ? `TEST_TYPE=${process.env.TEST_TYPE} ` : ""
  return `FC_SEED=${seed} ${type}NODE_OPTIONS=--experimental-vm-modules npx jest ${file} -t '${name}'`
}
