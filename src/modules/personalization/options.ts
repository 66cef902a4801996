import { z } from "@medusajs/framework/zod"

// Plugin options, validated when the module loads so a typo fails the boot with the field named.
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
    refreshCron: z.string().min(1).default("0 * * * *"),
    recommendations: z
      .object({
        neighbors: z.number().int().min(1).max(200).default(20),
        minSupport: z.number().int().min(1).default(2),
      })
      .strict()
      .default({ neighbors: 20, minSupport: 2 }),
    holdoutPercent: z.number().min(0).max(50).default(0),
    // Typed traits read from customer.metadata, e.g. { birth_date: "date", gender: "enum" }.
    metadataTraits: z
      .record(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/), z.enum(["number", "string", "date", "boolean", "enum"]))
      .default({}),
  })
  .strict()

export type PluginOptions = z.output<typeof PluginOptionsSchema>

export function parsePluginOptions(raw: unknown): PluginOptions {
  // Medusa passes module-level keys too (e.g. when registered with extra fields); keep only ours.
  const input = Object.fromEntries(
    Object.entries((raw ?? {}) as Record<string, unknown>).filter(
      ([k, v]) => k in PluginOptionsSchema.shape && v !== undefined
    )
  )
  const parsed = PluginOptionsSchema.safeParse(input)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")
    throw new Error(`medusa-personalization: invalid plugin options — ${issues}`)
  }
  return parsed.data
}
