// The shell's bridge to the pure rule core: turns API input into the canonical stored pair and
// maps core errors onto 400s that name the field.
import {
  defaultCatalog,
  format,
  segmentReferences,
  tryParse,
  validateRule,
  type Rule,
  type TraitCatalog,
} from "../core/rules"
import { invalid } from "./errors"

/** `rule` as written: segment references by handle (lib/segments/references.ts resolves them to ids). */
export type CanonicalRule = { rule: Rule; rule_text: string; references: string[] }

/**
 * Accepts `rule` (JSON AST), `rule_text`, or both (then they must mean the same rule).
 * Returns the validated AST and its canonical text; throws a 400 naming `rule` / `rule_text`.
 */
export function canonicalRule(
  input: { rule?: unknown; rule_text?: string },
  catalog: TraitCatalog = defaultCatalog
): CanonicalRule {
  let fromText: Rule | undefined
  if (input.rule_text !== undefined) {
    const parsed = tryParse(input.rule_text)
    if (!parsed.ok) {
      const { message, line, column } = parsed.error
      const where = `${line}:${column}`
      throw invalid("rule_text", message.includes(where) ? message : `${message} at ${where}`)
    }
    fromText = checked(parsed.rule, "rule_text", catalog)
  }
  const fromJson = input.rule !== undefined ? checked(input.rule, "rule", catalog) : undefined
  const rule = (fromJson ?? fromText)!
  const rule_text = format(rule)
  if (fromJson && fromText && format(fromText) !== rule_text) {
    throw invalid("rule_text", `does not match rule (rule reads: ${rule_text})`)
  }
  return { rule, rule_text, references: segmentReferences(rule) }
}

function checked(candidate: unknown, field: "rule" | "rule_text", catalog: TraitCatalog): Rule {
  const result = validateRule(candidate, catalog)
  if (result.ok) return result.rule
  const details = result.errors
    .map((e) => (field === "rule" ? `${e.path ? `rule.${e.path.replace(/^\$\.?/, "")}` : "rule"}: ${e.message}` : e.message))
    .join("; ")
  throw invalid(field, details)
}
