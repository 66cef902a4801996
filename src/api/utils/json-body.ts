import type { NextFunction } from "express"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"

/**
 * Our own JSON body parser for routes registered with `bodyParser: false`: a body over `limit` bytes or
 * one that is not valid JSON is a 400 naming `body` (Medusa's parser would answer 413, or a bare syntax
 * error naming nothing). The rest of an oversized body is drained, not parsed.
 */
export function jsonBody(limit: number) {
  return (req: MedusaRequest, _res: MedusaResponse, next: NextFunction) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "DELETE") return next()
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const fail = (message: string) => {
      if (done) return
      done = true
      next(new MedusaError(MedusaError.Types.INVALID_DATA, `body: ${message}`))
    }
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on("error", () => fail("could not be read"))
    req.on("end", () => {
      if (done) return
      if (size > limit) return fail(`request body is ${size} bytes; the limit is ${limit} bytes`)
      const text = Buffer.concat(chunks).toString("utf8").trim()
      if (!text) {
        ;(req as { body?: unknown }).body = {}
        done = true
        return next()
      }
      try {
        ;(req as { body?: unknown }).body = JSON.parse(text)
      } catch (e) {
        return fail(`is not valid JSON (${(e as Error).message})`)
      }
      done = true
      next()
    })
  }
}
