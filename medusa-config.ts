// The dev/test host store. It loads the plugin from ./src ("source mode"): the module is registered here,
// and routes, subscribers, jobs, links and admin extensions load from ./src as the host project's own.
// Excluded in tsconfig.json, so it never ships in the package.
import crypto from "crypto"
import fs from "fs"
import path from "path"
import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

/**
 * jwtSecret and cookieSecret: JWT_SECRET / COOKIE_SECRET when set (in production always set both; see README), else a
 * random pair generated once per install and kept in .dev-data/secrets.json (git-ignored, mode 0600) — never a
 * well-known default anyone could sign admin tokens with. Processes starting at once (jest workers) agree on one pair:
 * the file is linked into place only if absent, and everyone reads what won.
 */
function devSecrets(dir = path.join(process.cwd(), ".dev-data")): { jwtSecret: string; cookieSecret: string } {
  const file = path.join(dir, "secrets.json")
  const read = () => {
    const s = JSON.parse(fs.readFileSync(file, "utf8"))
    if (typeof s?.jwtSecret !== "string" || s.jwtSecret.length < 32 || typeof s?.cookieSecret !== "string" || s.cookieSecret.length < 32) {
      throw new Error(`${file}: not a pair of secrets; delete it to generate new ones`)
    }
    return { jwtSecret: s.jwtSecret as string, cookieSecret: s.cookieSecret as string }
  }
  if (fs.existsSync(file)) return read()
  fs.mkdirSync(dir, { recursive: true })
  const random = () => crypto.randomBytes(32).toString("base64url")
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}.tmp`
  fs.writeFileSync(tmp, JSON.stringify({ jwtSecret: random(), cookieSecret: random() }, null, 2) + "\n", { mode: 0o600 })
  try {
    fs.linkSync(tmp, file)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e
  } finally {
    fs.unlinkSync(tmp)
  }
  return read()
}

const secrets =
  process.env.JWT_SECRET && process.env.COOKIE_SECRET
    ? { jwtSecret: process.env.JWT_SECRET, cookieSecret: process.env.COOKIE_SECRET }
    : { ...devSecrets(), ...(process.env.JWT_SECRET ? { jwtSecret: process.env.JWT_SECRET } : {}), ...(process.env.COOKIE_SECRET ? { cookieSecret: process.env.COOKIE_SECRET } : {}) }

const redisUrl = process.env.REDIS_URL
const db = process.env.DATABASE_URL

const pluginOptions = {
  // The membership cache's Redis; MP_CACHE_REDIS_URL lets a test point it at a Redis it can stop (cache.spec.ts).
  redisUrl: process.env.MP_CACHE_REDIS_URL || redisUrl,
  abandonmentMinutes: process.env.MP_ABANDONMENT_MINUTES ? Number(process.env.MP_ABANDONMENT_MINUTES) : undefined,
  // Rate limits as JSON (tests set small ones): {"subject":{"perSecond":2,"burst":3},"ip":{...}}
  rateLimit: process.env.MP_RATE_LIMIT ? JSON.parse(process.env.MP_RATE_LIMIT) : undefined,
  // The full-refresh schedule (the bench moves it out of its way so the hourly refresh never runs beside a timed leg).
  refreshCron: process.env.MP_REFRESH_CRON || undefined,
}

const redisModules = redisUrl
  ? [
      { resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl } },
      { resolve: "@medusajs/medusa/workflow-engine-redis", options: { redis: { redisUrl } } },
      {
        resolve: "@medusajs/medusa/locking",
        options: {
          providers: [
            { resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } },
          ],
        },
      },
    ]
  : []

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: db,
    ...(redisUrl ? { redisUrl } : {}),
    workerMode: (process.env.MEDUSA_WORKER_MODE as "shared" | "worker" | "server") || "shared",
    http: {
      storeCors: process.env.STORE_CORS || "http://localhost:8000,http://localhost:9000",
      adminCors: process.env.ADMIN_CORS || "http://localhost:9000,http://localhost:5173",
      authCors: process.env.AUTH_CORS || "http://localhost:8000,http://localhost:9000,http://localhost:5173",
      jwtSecret: secrets.jwtSecret,
      cookieSecret: secrets.cookieSecret,
    },
  },
  admin: {
    disable: process.env.MEDUSA_ADMIN_DISABLE === "true",
  },
  modules: [{ resolve: "./src/modules/personalization", options: pluginOptions }, ...redisModules],
})
