import { z } from "@medusajs/framework/zod"
import { defaultCatalog, extendCatalog, type TraitCatalog } from "../../core/rules"
import { parseCron } from "../../core/schedule/cron"
import { validateRfmGroups } from "../../core/traits/rfm"

// Plugin options, validated when the module loads so a typo fails the boot with the field named.
const TRAIT_TYPES = ["number", "money", "string", "string_list", "date", "boolean", "enum"] as const

export const PluginOptionsSchema = z
  .object({
    redisUrl: z.string().url().optional(),
    consent: z
      .object({
        required: z.boolean().default(true),
        purposes: z.array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/)).min(1).default(["personalization", "analytics", "marketing"]),
      })
      .strict()
      .default({ required: true, purposes: ["personalization", "analytics", "marketing"] }),
    retentionDays: z.number().int().min(1).max(3650).default(180),
    abandonmentMinutes: z.number().int().min(1).max(60 * 24 * 30).default(60),
    refreshCron: z
      .string()
      .min(1)
      .refine((v) => isValidCron(v), "must be a five-field cron expression (UTC), e.g. \"0 * * * *\"")
      .default("0 * * * *"),
    // Item-item similarity (#6): `neighbors` = top-K kept per product; `minSupport` = baskets a pair needs;
    // co-views / co-carts of consenting profiles count `viewWeight` / `cartWeight` of an order; rebuilt on `buildCron` (UTC).
    recommendations: z
      .object({
        neighbors: z.number().int().min(1).max(200).default(20),
        minSupport: z.number().int().min(1).default(2),
        metric: z.enum(["cosine", "lift"]).default("cosine"),
        viewWeight: z.number().min(0).max(1).default(0.25),
        cartWeight: z.number().min(0).max(1).default(0.5),
        buildCron: z
          .string()
          .min(1)
          .refine((v) => isValidCron(v), "must be a five-field cron expression (UTC), e.g. \"0 3 * * *\"")
          .default("0 3 * * *"),
      })
      .strict()
      .default({ neighbors: 20, minSupport: 2, metric: "cosine", viewWeight: 0.25, cartWeight: 0.5, buildCron: "0 3 * * *" }),
    holdoutPercent: z.number().min(0).max(50).default(0),
    // Membership cache (#9): Redis when redisUrl is set, else an in-process LRU of at most maxEntries profiles.
    cache: z
      .object({
        ttlSeconds: z.number().int().min(1).max(86_400).default(900),
        // 20,000 ≈ 3 MB of heap (entries share their segment-id sets); a miss costs one indexed query.
        maxEntries: z.number().int().min(100).max(10_000_000).default(20_000),
      })
      .strict()
      .default({ ttlSeconds: 900, maxEntries: 20_000 }),
    // Abuse limits on POST /store/personalization/events, /consent and /identify (issues #10, #21; one pair of
    // buckets per route): a token bucket per subject and per client IP — `perSecond` sustained, plus up to `burst`
    // extra requests per minute. In Redis when redisUrl is set.
    rateLimit: z
      .object({
        enabled: z.boolean().default(true),
        subject: z
          .object({ perSecond: z.number().int().min(1).max(100_000), burst: z.number().int().min(0).max(1_000_000) })
          .strict()
          .default({ perSecond: 10, burst: 300 }),
        ip: z
          .object({ perSecond: z.number().int().min(1).max(100_000), burst: z.number().int().min(0).max(1_000_000) })
          .strict()
          .default({ perSecond: 100, burst: 3000 }),
        // Proxies in front of Medusa that append to X-Forwarded-For. 0 (default) = trust none: key on the socket
        // address, so a client cannot choose its "IP" with the header; behind N load balancers set N.
        proxyHops: z.number().int().min(0).max(10).default(0),
      })
      .strict()
      .default({ enabled: true, subject: { perSecond: 10, burst: 300 }, ip: { perSecond: 100, burst: 3000 }, proxyHops: 0 }),
    // RFM (issue #8): named groups over the R score and the mean of F and M, first match wins; every (R, FM)
    // must fall in a group. Default: DEFAULT_RFM_GROUPS in src/core/traits/rfm.ts (documented in the README).
    rfm: z
      .object({
        groups: z
          .array(
            z
              .object({
                id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
                label: z.string().min(1).max(100).optional(),
                r: z.tuple([z.number().int().min(1).max(5), z.number().int().min(1).max(5)]),
                fm: z.tuple([z.number().min(1).max(5), z.number().min(1).max(5)]),
              })
              .strict()
          )
          .min(1)
          .max(50)
          .optional(),
      })
      .strict()
      .superRefine((v, ctx) => {
        if (!v.groups) return
        const groups = v.groups.map((g) => ({ ...g, label: g.label ?? g.id }))
        for (const problem of validateRfmGroups(groups)) {
          const [where, ...rest] = problem.split(": ")
          const path = where === "(list)" ? ["groups"] : ["groups", ...where.split(".").map((x) => (/^\d+$/.test(x) ? Number(x) : x))]
          ctx.addIssue({ code: "custom", path, message: rest.join(": ") })
        }
      })
      .default({}),
    // Churn risk (issue #8): label = no order in the `horizonDays` after a past cut-off; no model (and no
    // churn_risk) below `minCustomers` customers or `minPerClass` churned/retained ones; `l2` = ridge penalty.
    churn: z
      .object({
        horizonDays: z.number().int().min(7).max(365).default(90),
        minCustomers: z.number().int().min(10).max(1_000_000).default(40),
        minPerClass: z.number().int().min(2).max(1_000_000).default(8),
        l2: z.number().min(0).max(1000).default(1),
      })
      .strict()
      .default({ horizonDays: 90, minCustomers: 40, minPerClass: 8, l2: 1 }),
    // Typed traits read from customer.metadata, usable in rules:
    // { birth_date: "date", gender: { type: "enum", values: ["f", "m", "x"] } }.
    metadataTraits: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_]{0,63}$/),
        z.union([
          z.enum(TRAIT_TYPES),
          z
            .object({
              type: z.enum(TRAIT_TYPES),
              values: z.array(z.string().min(1)).min(1).optional(),
              label: z.string().max(100).optional(),
            })
            .strict(),
        ])
      )
      .default({}),
  })
  .strict()

function isValidCron(expression: string): boolean {
  try {
    parseCron(expression)
    return true
  } catch {
    return false
  }
}

const MEDUSA_INJECTED_KEYS = new Set(["database"])

// Options renamed by a release, old dotted path → new one (also listed in CHANGELOG.md). After an upgrade, a
// medusa-config.ts still using an old name fails the boot saying what it is called now, instead of strict parsing's
// bare "unrecognized key". None so far; add an entry whenever an option is renamed.
export const RENAMED_OPTIONS: Readonly<Record<string, string>> = {}

/** "<old>: renamed to <new>" for each renamed option the raw options still use. */
export function renamedOptionIssues(raw: Record<string, unknown>, renamed: Readonly<Record<string, string>> = RENAMED_OPTIONS): string[] {
  const has = (dotted: string) => {
    let cur: unknown = raw
    for (const part of dotted.split(".")) {
      if (!cur || typeof cur !== "object" || !(part in (cur as object))) return false
      cur = (cur as Record<string, unknown>)[part]
    }
    return cur !== undefined
  }
  return Object.entries(renamed)
    .filter(([from]) => has(from))
    .map(([from, to]) => `${from}: renamed to ${to} (see CHANGELOG.md)`)
}

export type PluginOptions = z.output<typeof PluginOptionsSchema>

export function parsePluginOptions(raw: unknown, renamed: Readonly<Record<string, string>> = RENAMED_OPTIONS): PluginOptions {
  // Unset keys (e.g. `redisUrl: process.env.REDIS_URL` without the variable) mean "default";
  // keys Medusa itself adds to module options (the database connection) are not ours to judge.
  const input = Object.fromEntries(
    Object.entries((raw ?? {}) as Record<string, unknown>).filter(
      ([k, v]) => v !== undefined && !MEDUSA_INJECTED_KEYS.has(k)
    )
  )
  const renames = renamedOptionIssues(input, renamed)
  if (renames.length) throw new Error(`medusa-personalization: invalid plugin options — ${renames.join("; ")}`)
  const parsed = PluginOptionsSchema.safeParse(input)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")
    throw new Error(`medusa-personalization: invalid plugin options — ${issues}`)
  }
  // The declared traits must also form a valid catalogue (no clash with built-in traits, enums with values).
  try {
    buildCatalog(parsed.data)
  } catch (e) {
    throw new Error(`medusa-personalization: invalid plugin options — metadataTraits: ${(e as Error).message}`)
  }
  return parsed.data
}

/** The trait catalogue rules are checked against: the built-in traits plus the declared metadata traits. */
export function buildCatalog(options: PluginOptions): TraitCatalog {
  const declarations = Object.entries(options.metadataTraits).map(([name, d]) =>
    typeof d === "string" ? { name, type: d } : { name, ...d }
  )
  return extendCatalog(defaultCatalog, declarations)
}
