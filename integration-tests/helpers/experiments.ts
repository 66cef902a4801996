// Experiment salts for tests. A subject's arm is hash(salt, subject key) (src/core/stats/assign.ts); experiments get a
// random salt unless created with an explicit one (admin/test option, src/lib/experiments/salt.ts), so tests pass one.
import { assignArm, type Arm } from "../../src/core/stats"

/**
 * A fixed salt under which the subjects split as `ok` needs. Customer ids are random (ULIDs), so no constant salt
 * fixes their arms: this takes the first salt of a fixed sequence (`<prefix>-0000`, `-0001`, …) that gives the split
 * the test relies on, so that precondition is constructed rather than left to chance (with a random salt, all of a
 * 10-member group lands in one arm about once in 500 runs).
 */
export function saltSplitting(prefix: string, holdoutPercent: number, ok: (armOf: (subjectKey: string) => Arm) => boolean): string {
  for (let i = 0; i < 1000; i++) {
    const salt = `${prefix}-${String(i).padStart(4, "0")}`
    if (ok((key) => assignArm(key, salt, holdoutPercent))) return salt
  }
  throw new Error(`none of the salts ${prefix}-0000…0999 splits the subjects as the test needs`)
}
