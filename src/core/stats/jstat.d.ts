// Minimal typings for the parts of `jstat` (no @types package exists) that src/core/stats uses.
// Declared with `function` so another declaration of the same module elsewhere merges instead of clashing.
declare module "jstat" {
  export namespace jStat {
    namespace normal {
      function cdf(x: number, mean: number, sd: number): number
      function inv(p: number, mean: number, sd: number): number
    }
    namespace studentt {
      function cdf(x: number, dof: number): number
      function inv(p: number, dof: number): number
    }
    namespace chisquare {
      function cdf(x: number, dof: number): number
    }
  }
}
