// The dev/test host store. It loads the plugin from ./src ("source mode"): the module is registered here,
// and routes, subscribers, jobs, links and admin extensions load from ./src as the host project's own.
// Excluded in tsconfig.json, so it never ships in the package.
import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

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
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  admin: {
    disable: process.env.MEDUSA_ADMIN_DISABLE === "true",
  },
  modules: [{ resolve: "./src/modules/personalization", options: pluginOptions }, ...redisModules],
})
