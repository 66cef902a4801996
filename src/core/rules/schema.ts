/**
 * The zod schema of the rule AST: node shapes, value shapes and size limits. It knows nothing about the trait
 * catalogue; validate.ts layers the catalogue checks (trait names, operator/type fit) on top.
 */
import { z } from "zod"
import {
  COMPARISON_OPS,
  DECIMAL_RE,
  HANDLE_RE,
  LIMITS,
  NAME_RE,
  PROPERTY_OPS,
  RELATIVE_RE,
  Rule,
  TRAIT_OPS,
} from "./ast"

// Lone UTF-16 surrogates cannot be sent to Postgres faithfully (they become U+FFFD), so they are rejected.
const LONE_SURROGATE_RE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

export const safeString = z
  .string()
  .max(LIMITS.maxStringLength, { message: `strings are limited to ${LIMITS.maxStringLength} characters` })
  .refine((s) => !s.includes("\u0000"), { message: "NUL characters (\\u0000) are not allowed in values" })
  .refine((s) => !LONE_SURROGATE_RE.test(s), { message: "strings must be valid unicode (lone surrogate found)" })

const finiteNumber = z.number().refine(Number.isFinite, { message: "numbers must be finite" })

export const relativeDateSchema = z
  .object({
    relative: z.string().regex(RELATIVE_RE, {
      message: "a relative date is 'today' or a negative offset like -30d, -2w, -48h, -15m (m is minutes; no months)",
    }),
  })
  .strict()

export const scalarSchema = z.union([finiteNumber, safeString, z.boolean(), relativeDateSchema], {
  error: "expected a number, string, boolean or relative date",
})

export const numericValueSchema = z.union(
  [finiteNumber, z.string().regex(DECIMAL_RE, { message: "expected a decimal string like \"100.10\"" })],
  { error: "expected a number or a decimal string" }
)

const list = <T extends z.ZodTypeAny>(item: T) =>
  z.array(item).max(LIMITS.maxListLength, { message: `lists are limited to ${LIMITS.maxListLength} values` })

type Ctx = z.RefinementCtx

const traitConditionSchema = z
  .object({
    type: z.literal("trait"),
    trait: z.string().max(64, { message: "trait names are at most 64 characters" }),
    op: z.enum(TRAIT_OPS),
    value: z.union([scalarSchema, list(scalarSchema)]).optional(),
  })
  .strict()
  .superRefine((c, ctx: Ctx) => {
    const v = c.value
    const issue = (message: string) => ctx.addIssue({ code: "custom", path: ["value"], message })
    if (c.op === "is_null" || c.op === "is_not_null") {
      if (v !== undefined) issue(`'${c.op}' takes no value`)
    } else if (c.op === "between" || c.op === "not_between") {
      if (!Array.isArray(v) || v.length !== 2) issue(`'${c.op}' takes a [low, high] pair`)
    } else if (c.op === "in" || c.op === "not_in") {
      if (!Array.isArray(v) || v.length === 0) issue(`'${c.op}' takes a non-empty list`)
    } else if (v === undefined || Array.isArray(v)) issue(`'${c.op}' takes a single value`)
  })

const propertyFilterSchema = z
  .object({
    property: z.string().regex(NAME_RE, { message: `property names must match ${NAME_RE}` }),
    op: z.enum(PROPERTY_OPS),
    value: z.union([finiteNumber, safeString, z.boolean(), list(z.union([finiteNumber, safeString]))]),
  })
  .strict()
  .superRefine((f, ctx: Ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: "custom", path: ["value"], message })
    const v = f.value
    if (f.op === "in" || f.op === "not_in") {
      if (!Array.isArray(v) || v.length === 0) return issue(`'${f.op}' takes a non-empty list`)
      const kinds = new Set(v.map((x) => typeof x))
      if (kinds.size > 1) issue(`an '${f.op}' list must be all strings or all numbers`)
    } else if (Array.isArray(v)) issue(`'${f.op}' takes a single value`)
    else if (f.op === "contains") {
      if (typeof v !== "string") issue("'contains' takes a string (an element of a list property, or a substring)")
    } else if (f.op !== "=" && f.op !== "!=" && typeof v !== "number") issue(`'${f.op}' compares numbers only`)
  })

const windowSchema = z
  .object({
    amount: z.number().int({ message: "a window is a whole number of units" }).min(1, { message: "a window is at least 1 unit" }),
    unit: z.enum(["m", "h", "d", "w"], { message: "a window unit is m (minutes), h, d or w (weeks)" }),
  })
  .strict()

const eventConditionSchema = z
  .object({
    type: z.literal("event"),
    event: z.string().regex(NAME_RE, {
      message: `event types must match ${NAME_RE}`,
    }),
    where: z
      .array(propertyFilterSchema)
      .max(LIMITS.maxFilters, { message: `at most ${LIMITS.maxFilters} property filters` })
      .default([]),
    measure: z.enum(["count", "sum", "exists", "none"]),
    property: z.string().regex(NAME_RE, { message: `property names must match ${NAME_RE}` }).optional(),
    window: windowSchema,
    op: z.enum([...COMPARISON_OPS, "between"]).optional(),
    value: z.union([numericValueSchema, z.tuple([numericValueSchema, numericValueSchema])]).optional(),
  })
  .strict()
  .superRefine((c, ctx: Ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message })
    if (c.measure === "sum" && c.property === undefined) issue("property", "'sum' needs the property to add up")
    if (c.measure !== "sum" && c.property !== undefined) issue("property", `'${c.measure}' takes no property`)
    if (c.measure === "exists" || c.measure === "none") {
      if (c.op !== undefined) issue("op", `'${c.measure}' takes no operator`)
      if (c.value !== undefined) issue("value", `'${c.measure}' takes no value`)
    } else {
      if (c.op === undefined) issue("op", `'${c.measure}' needs a comparison operator`)
      if (c.value === undefined) issue("value", `'${c.measure}' needs a value to compare with`)
      else if ((c.op === "between") !== Array.isArray(c.value))
        issue("value", c.op === "between" ? "'between' takes a [low, high] pair" : `'${c.op}' takes a single value`)
    }
  })

const segmentConditionSchema = z
  .object({
    type: z.literal("segment"),
    handle: z.string().regex(HANDLE_RE, { message: `segment handles must match ${HANDLE_RE}` }),
  })
  .strict()

const consentConditionSchema = z
  .object({
    type: z.literal("consent"),
    purpose: z.string().regex(NAME_RE, { message: `consent purposes must match ${NAME_RE}` }),
  })
  .strict()

const groupSchema = <T extends "and" | "or">(type: T) =>
  z
    .object({
      type: z.literal(type),
      rules: z
        .array(z.lazy((): z.ZodTypeAny => ruleSchema))
        .min(2, { message: `an '${type}' group needs at least 2 rules (use the rule itself for one)` }),
    })
    .strict()

const notSchema = z.object({ type: z.literal("not"), rule: z.lazy((): z.ZodTypeAny => ruleSchema) }).strict()

/**
 * Structural schema of a rule. Output is typed as Rule: zod's inferred type of the recursive union is wider
 * (optional fields of the flat event/trait objects), the refinements above enforce the exact shapes.
 */
export const ruleSchema: z.ZodType<Rule> = z.discriminatedUnion("type", [
  groupSchema("and"),
  groupSchema("or"),
  notSchema,
  traitConditionSchema,
  eventConditionSchema,
  segmentConditionSchema,
  consentConditionSchema,
]) as unknown as z.ZodType<Rule>
