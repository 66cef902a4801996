// Abuse limits for POST /store/personalization/events, /consent and /identify (issues #10, #21): per route, one
// token bucket per subject (customer or visitor id) and one per client IP. rate-limiter-flexible has no literal token bucket; its BurstyRateLimiter is
// the documented equivalent: a 1-second bucket of `perSecond` tokens, and when that is empty a burst allowance of
// `burst` tokens per minute. Buckets live in Redis when the plugin has a redisUrl (shared by every server
// process), else in this process's memory. Redis unavailable → the in-memory limiter takes over (no 5xx, no
// unlimited window); any other limiter failure lets the request through and is logged once.
import type { NextFunction } from "express"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import Redis from "ioredis"
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible"
import { PERSONALIZATION_MODULE } from "../../modules/personalization"
import type { PluginOptions } from "../../modules/personalization/options"
import { customerIdOf, VISITOR_HEADER, VISITOR_ID_RE } from "../privacy/subject"

export type Bucket = { perSecond: number; burst: number }
export type RateLimitOptions = PluginOptions["rateLimit"]
export const BURST_WINDOW_SECONDS = 60

type Limiter = { consume(key: string, points?: number): Promise<RateLimiterRes> }
type Limiters = { subject: Limiter; ip: Limiter; store: "redis" | "memory" }

export type RateDecision =
  | { allowed: true }
  | { allowed: false; scope: "subject" | "ip"; retryAfterSeconds: number }

let redisClient: Redis | null = null
let redisClientUrl: string | null = null

/** One ioredis client per process for the limiters (offline queue off: a down Redis fails fast to the insurance). */
function redisFor(url: string): Redis {
  if (redisClient && redisClientUrl === url) return redisClient
  redisClient = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 })
  // Without a listener an unreachable Redis would be an unhandled 'error' event; the limiter falls back instead.
  redisClient.on("error", () => undefined)
  redisClientUrl = url
  return redisClient
}

function bucket(b: Bucket, prefix: string, redisUrl: string | undefined): Limiter {
  const memory = (p: string, points: number, duration: number) => new RateLimiterMemory({ keyPrefix: p, points, duration })
  const make = (p: string, points: number, duration: number) =>
    redisUrl
      ? new RateLimiterRedis({
          storeClient: redisFor(redisUrl),
          keyPrefix: p,
          points,
          duration,
          rejectIfRedisNotReady: true,
          insuranceLimiter: memory(`${p}:insurance`, points, duration),
        })
      : memory(p, points, duration)
  const steady = make(`${prefix}:rate`, b.perSecond, 1)
  if (b.burst <= 0) return steady
  return new BurstyRateLimiter(steady, make(`${prefix}:burst`, b.burst, BURST_WINDOW_SECONDS)) as unknown as Limiter
}

/** The two buckets for a set of options (exported for tests and for other routes that want the same limits). */
export function createLimiters(options: RateLimitOptions, redisUrl?: string, name = "events"): Limiters {
  const prefix = `personalization:rl:${name}`
  return {
    subject: bucket(options.subject, `${prefix}:subject`, redisUrl),
    ip: bucket(options.ip, `${prefix}:ip`, redisUrl),
    store: redisUrl ? "redis" : "memory",
  }
}

async function take(limiter: Limiter, key: string): Promise<RateLimiterRes | null> {
  try {
    await limiter.consume(key, 1)
    return null
  } catch (e) {
    if (e instanceof RateLimiterRes) return e
    throw e
  }
}

/** Takes one token from the IP bucket, then from the subject bucket (when there is a subject). */
export async function checkRate(limiters: Limiters, ip: string | null, subject: string | null): Promise<RateDecision> {
  const retry = (r: RateLimiterRes) => Math.max(1, Math.ceil(r.msBeforeNext / 1000))
  if (ip) {
    const rejected = await take(limiters.ip, ip)
    if (rejected) return { allowed: false, scope: "ip", retryAfterSeconds: retry(rejected) }
  }
  if (subject) {
    const rejected = await take(limiters.subject, subject)
    if (rejected) return { allowed: false, scope: "subject", retryAfterSeconds: retry(rejected) }
  }
  return { allowed: true }
}

/**
 * The client address for the per-IP bucket, trusting exactly `hops` proxies: the chain is X-Forwarded-For's
 * entries followed by the socket's peer, and the client is the entry `hops` places from the right (the address the
 * outermost trusted proxy saw). Entries a client prepends itself sit further left and are never read, so it cannot
 * pick its own bucket. hops = 1 is what Express's `req.ip` gives under Medusa's `trust proxy: 1`.
 */
export function clientAddress(forwardedFor: string | string[] | undefined, socketAddress: string | null | undefined, hops: number): string | null {
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor ?? ""
  const chain = header
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
  if (socketAddress) chain.push(socketAddress)
  if (!chain.length) return null
  return chain[Math.max(0, chain.length - 1 - hops)]
}

/** The rate-limit key of a store request's subject: the customer of a customer token, else a well-formed visitor id. */
export function subjectKey(req: MedusaRequest): string | null {
  const customer = customerIdOf(req)
  if (customer) return `c:${customer}`
  const raw = req.headers[VISITOR_HEADER]
  return typeof raw === "string" && VISITOR_ID_RE.test(raw) ? `v:${raw}` : null
}

/**
 * Express middleware for a store route: 429 with `Retry-After` (seconds) when the subject's or the IP's bucket is
 * empty; `name` keeps each route's buckets apart (events, consent, identify). The client IP trusts
 * `rateLimit.proxyHops` proxies (default 0: the socket address; see clientAddress).
 */
export function rateLimit(name = "events") {
  let cached: { options: RateLimitOptions; limiters: Limiters } | null = null
  let warned = false
  return async (req: MedusaRequest, res: MedusaResponse, next: NextFunction) => {
    let options: PluginOptions
    try {
      options = (req.scope.resolve(PERSONALIZATION_MODULE) as { getOptions(): PluginOptions }).getOptions()
    } catch {
      return next()
    }
    if (!options.rateLimit.enabled) return next()
    if (!cached || cached.options !== options.rateLimit) {
      cached = { options: options.rateLimit, limiters: createLimiters(options.rateLimit, options.redisUrl, name) }
    }
    let decision: RateDecision
    try {
      const ip = clientAddress(req.headers["x-forwarded-for"], req.socket?.remoteAddress, options.rateLimit.proxyHops)
      decision = await checkRate(cached.limiters, ip, subjectKey(req))
    } catch (e) {
      if (!warned) {
        warned = true
        req.scope
          .resolve(ContainerRegistrationKeys.LOGGER)
          .warn(`personalization: rate limiter unavailable, requests are not limited: ${(e as Error).message}`)
      }
      return next()
    }
    if (decision.allowed) return next()
    const who = decision.scope === "ip" ? "this client address" : "this visitor or customer"
    res.setHeader("Retry-After", String(decision.retryAfterSeconds))
    res.status(429).json({
      type: "too_many_requests",
      message: `rate limit: too many ${name} requests from ${who}; retry after ${decision.retryAfterSeconds} s (Retry-After)`,
    })
  }
}
