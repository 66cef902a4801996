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
        return keys.map((k) => `${path ? path + "." : ""}${k}: unknown field`).join("; ")
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

/** Body validation with field-naming messages; the parsed body lands in req.validatedBody. */
export function validateBody(schema: z.ZodTypeAny) {
  return (req: MedusaRequest, _res: MedusaResponse, next: NextFunction) => {
    const parsed = schema.safeParse(req.body ?? {})
    if (!parsed.success) {
      return next(new MedusaError(MedusaError.Types.INVALID_DATA, describeZodError(parsed.error)))
    }
    ;(req as unknown as { validatedBody: unknown }).validatedBody = parsed.data
    next()
  }
}

/** Refuses bodies over `bytes` with a 400 before any work is done. */
export function maxBodySize(bytes: number) {
  return (req: MedusaRequest, _res: MedusaResponse, next: NextFunction) => {
    const declared = Number(req.headers["content-length"] ?? 0)
    const actual = declared || Buffer.byteLength(JSON.stringify(req.body ?? {}))
    if (actual > bytes) {
      return next(
        new MedusaError(MedusaError.Types.INVALID_DATA, `body: request body is ${actual} bytes; the limit is ${bytes} bytes`)
      )
    }
    next()
  }
}
