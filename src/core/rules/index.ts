/** The segment rule language: AST, validation, text syntax, evaluation, SQL, time transitions. */
export * from "./ast"
export { ruleSchema, scalarSchema, relativeDateSchema } from "./schema"
export {
  validateRule,
  validateText,
  formatPath,
  OPS_BY_TYPE,
  type ValidationError,
  type ValidationResult,
  type ValidateOptions,
} from "./validate"
export {
  defaultCatalog,
  extendCatalog,
  describeCatalog,
  daysSinceBase,
  CatalogError,
  RESERVED_WORDS,
  type TraitCatalog,
  type TraitDef,
  type TraitDeclaration,
  type TraitSource,
  type ColumnType,
} from "./catalog"
export { parse, tryParse, RuleSyntaxError, type ParseResult, type SyntaxErrorInfo } from "./parser"
export { format, formatCondition } from "./format"
export { evaluate, matches, type Evaluation, type Trace } from "./evaluate"
export { compileSql, compileSegmentQuery, type CompiledSql, type CompileOptions } from "./compile-sql"
export { nextChange } from "./next-change"
export { compileNextChangeSql, type NextChangeSql, type NextChangeSqlOptions } from "./compile-next-change-sql"
export { dependencies, type RuleDependencies } from "./dependencies"
export { findCycle, segmentReferences, type RuleLookup } from "./cycles"
export { segmentKey, mapSegmentReferences, resolveSegmentIds, labelSegmentHandles, withoutSegmentIds } from "./references"
export {
  subjectFromProfileRow,
  type Subject,
  type SubjectEvent,
  type ConsentStatus,
} from "./subject"
export { parseIsoUtc } from "./time"
export { toDecimal, compareDecimal, decimalToString, type Decimal } from "./decimal"
export {
  BUILT_IN_EVENT_TYPES,
  STOREFRONT_EVENT_TYPES,
  CUSTOM_EVENT_RE,
  type EventTypeDef,
} from "./event-types"
export { nearest, editDistance } from "./suggest"
export { positionAt, type SourcePosition } from "./positions"
