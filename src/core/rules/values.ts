/**
 * How evaluate() reads subject values. Each reader mirrors the SQL expression compile-sql.ts emits for the
 * same trait or property, so that both back ends see the same value or the same NULL.
 */
import { ComparisonOp, TraitType } from "./ast"
import { Num, toNum } from "./decimal"
import { toMillis } from "./time"

export type TraitValue =
  | { type: "number" | "money"; value: Num | null }
  | { type: "string" | "enum"; value: string | null }
  | { type: "boolean"; value: boolean | null }
  | { type: "date"; value: number | null }
  | { type: "string_list"; value: unknown[] | null }

/** A raw subject value as the trait type sees it; anything of the wrong shape is NULL. */
export function readTrait(type: TraitType, raw: unknown): TraitValue {
  switch (type) {
    case "number":
    case "money":
      return { type, value: toNum(raw) }
    case "string":
    case "enum":
      return { type, value: typeof raw === "string" ? raw : null }
    case "boolean":
      return { type, value: typeof raw === "boolean" ? raw : null }
    case "date":
      return { type, value: toMillis(raw) }
    case "string_list":
      return { type, value: Array.isArray(raw) ? raw : null }
  }
}

/** Applies a comparison operator to the result of a three-way comparison. */
export function holds(op: ComparisonOp, cmp: -1 | 0 | 1): boolean {
  switch (op) {
    case "=":
      return cmp === 0
    case "!=":
      return cmp !== 0
    case ">":
      return cmp > 0
    case ">=":
      return cmp >= 0
    case "<":
      return cmp < 0
    case "<=":
      return cmp <= 0
  }
}

export function compareNumbers(a: number, b: number): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0
}
