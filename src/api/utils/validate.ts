import type { NextFunction } from "express"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { z } from "@medusajs/framework/zod"
import { MedusaError } from "@medusajs/framework/utils"

/** "field.path: message; other: message" — every 4xx names the field. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join(".")
      if (issue.code === "unrecognized_keys") {
        const keys = (issue as { keys?: string[] }).keys ?? []
        // An empty key is named as "" (found by the fuzz suite: the message read ": unknown field").
        return keys.map((k) => `${path ? path + "." : ""}${k === "" ? '""' : k}: unknown field`).join("; ")
      }
      return `${path || "body"}: ${issue.message}`
    })
    .join("; ")
}

/** Query validation with field-naming messages; the parsed query lands in req.validatedQuery. */
export function validateQuery(schema: z.ZodTypeAny) {
  return (req: MedusaRequest, _res: MedusaResponse, next: NextFunction) => {
    const parsed = schema.safeParse(req.query ?? {})
    if (!parsed.success) {
      return next(new MedusaError(MedusaError.Types.INVALID_DATA, describeZodError(parsed.error)))
    }
    ;(req as unknown as { validatedQuery: unknown }).validatedQuery = parsed.data
    next()
  }
}

/** Deepest nesting a body may have. Found by the fuzz suite (#10): a deeply nested value (e.g. event properties
 * 5,000 levels deep) overflowed the stack in JSON.stringify during validation → 500. Checked without recursion. */
export const MAX_BODY_DEPTH = 100

export function jsonDepthExceeds(value: unknown, limit = MAX_BODY_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]]
  while (stack.length) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== "object") continue
    if (depth > limit) return true
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1])
    }
  }
  return false
}

/** Body validation with field-naming messages; the parsed body lands in req.validatedBody. */
export function validateBody(schema: z.ZodTypeAny) {
  return (req: MedusaRequest, _res: MedusaResponse, next: NextFunction) => {
    if (jsonDepthExceeds(req.body)) {
      return next(new MedusaError(MedusaError.Types.INVALID_DATA, `body: nested deeper than ${MAX_BODY_DEPTH} levels`))
    }
    const parsed = schema.safeParse(req.body ?? {})
    if (!parsed.success) {
      return next(new MedusaError(MedusaError.Types.INVALID_DATA, describeZodError(parsed.error)))
    }
    ;(req as unknown as { validatedBody: unknown }).validatedBody = parsed.data
    next()
  }
}
