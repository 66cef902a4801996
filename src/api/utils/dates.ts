import { z } from "@medusajs/framework/zod"

// Every date a route accepts lies in a range Postgres and JavaScript both hold exactly: from the Unix epoch to the
// last instant of year 9999. Outside it (e.g. year 0000, which JavaScript reads but node-postgres cannot send) is a
// 400 naming the field, never a 500 (issue #21).
export const EARLIEST_DATE = "1970-01-01T00:00:00Z"
export const LATEST_DATE = "9999-12-31T23:59:59.999Z"
const EARLIEST_MS = Date.parse(EARLIEST_DATE)
const LATEST_MS = Date.parse(LATEST_DATE)
const RANGE = `must be between ${EARLIEST_DATE} and 9999-12-31T23:59:59Z`

export function inDateRange(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS
}

/** An ISO 8601 date-time with an offset, within the range. */
export function boundedDateTime() {
  return z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" }).refine((v) => inDateRange(Date.parse(v)), RANGE)
}

/** A UTC calendar day, YYYY-MM-DD, that exists and lies within the range. */
export function boundedDay() {
  return z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a UTC date, YYYY-MM-DD")
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "is not a valid date")
    .refine((v) => inDateRange(Date.parse(`${v}T00:00:00Z`)), RANGE)
}
