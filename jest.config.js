const { loadEnv } = require("@medusajs/framework/utils")
loadEnv("test", process.cwd())

const base = {
  transform: {
    "^.+\\.[jt]sx?$": ["@swc/jest", { jsc: { parser: { syntax: "typescript", decorators: true }, target: "es2021" } }],
  },
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "json"],
  modulePathIgnorePatterns: ["dist/", "<rootDir>/.medusa/"],
  // fast-check: one seed per test file, from FC_SEED when set, named in every property failure (issue #23).
  setupFiles: ["./integration-tests/setup.js", "./integration-tests/fast-check-seed.js"],
  // Starts an embedded Postgres when DB_HOST / DATABASE_URL are unset (the SQL equivalence tests need one too).
  globalSetup: "./integration-tests/global-setup.mjs",
  globalTeardown: "./integration-tests/global-teardown.mjs",
}

const type = process.env.TEST_TYPE
if (type === "unit") {
  // Pure tests of src/core; a few (SQL equivalence) need Postgres, hence the global setup.
  module.exports = { ...base, testMatch: ["**/src/**/__tests__/**/*.spec.[jt]s"] }
} else if (type === "integration") {
  module.exports = { ...base, testMatch: ["**/integration-tests/http/**/*.spec.[jt]s"] }
} else {
  module.exports = { ...base, testMatch: ["**/src/**/__tests__/**/*.spec.[jt]s"] }
}
