import type { NextFunction } from "express"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { rawJsonProblem } from "./json-scan"

/** The body limit of a request (bytes), by route. */
export type BodyLimit = number | ((req: MedusaRequest) => number)

const NO_BODY = new Set(["GET", "HEAD", "OPTIONS"])

/** `application/json` or `application/<x>+json`, charset (if any) utf-8. */
export function jsonContentTypeProblem(header: string | undefined): string | null {
  if (!header) return "missing; send application/json"
  const [type, ...params] = header.split(";").map((p) => p.trim().toLowerCase())
  if (type !== "application/json" && !/^application\/[a-z0-9.+-]+\+json$/.test(type)) return `${type || "empty"} is not accepted; send application/json`
  const charset = params.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/^"|"$/g, "")
  if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") return `charset ${charset} is not accepted; send utf-8`
  return null
}

/**
 * The plugin's JSON transport, for every route under /store/personalization and /admin/personalization (Medusa's own
 * body parser is off there). A request with a body must declare `application/json` (415 otherwise); at most `limit`
 * bytes are read (413 naming `body`, the rest drained unparsed); the body must be UTF-8 and JSON (400 naming `body`);
 * no key `__proto__`, `constructor` or `prototype` at any depth and every number exact and within ±(2^53 − 1) (400
 * naming the path, see json-scan.ts). An empty body is `{}`. Runs once per request.
 */
export function jsonBody(limit: BodyLimit) {
  return (req: MedusaRequest, res: MedusaResponse, next: NextFunction) => {
    const r = req as MedusaRequest & { __jsonBodyRead?: boolean; body?: unknown }
    if (r.__jsonBodyRead || NO_BODY.has(req.method)) return next()
    r.__jsonBodyRead = true
    const max = typeof limit === "function" ? limit(req) : limit
    const declared = req.headers["content-length"] !== undefined ? Number(req.headers["content-length"]) : null
    const hasBody = declared === null ? req.headers["transfer-encoding"] !== undefined : declared > 0
    if (!hasBody) {
      r.body = {}
      return next()
    }
    const typeProblem = jsonContentTypeProblem(req.headers["content-type"])
    if (typeProblem) {
      req.resume()
      return void res.status(415).json({ type: "unsupported_media_type", message: `content-type: ${typeProblem}` })
    }
    const tooLarge = (size: number) =>
      void res.status(413).json({ type: "payload_too_large", message: `body: request body is ${size} bytes; the limit is ${max} bytes` })
    if (declared !== null && declared > max) {
      // Not read at all: Node discards the rest of the request once the answer is sent.
      req.resume()
      return tooLarge(declared)
    }
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
      if (size <= max) chunks.push(chunk)
    })
    req.on("error", () => fail("could not be read"))
    req.on("end", () => {
      if (done) return
      if (size > max) {
        done = true
        return tooLarge(size)
      }
      let text: string
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks)).trim()
      } catch {
        return fail("is not valid UTF-8")
      }
      if (!text) {
        r.body = {}
        done = true
        return next()
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch (e) {
        return fail(`is not valid JSON (${(e as Error).message})`)
      }
      const problem = rawJsonProblem(text)
      if (problem) {
        done = true
        return next(new MedusaError(MedusaError.Types.INVALID_DATA, problem))
      }
      r.body = parsed
      done = true
      next()
    })
  }
}
