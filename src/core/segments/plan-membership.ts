/**
 * Decides, for one subject, which segments it enters and leaves, and when its memberships can next change
 * with no new event. Pure: the shell loads the inputs and applies the result.
 */
import {
  defaultCatalog,
  dependencies,
  evaluate,
  matches,
  nextChange,
  type Rule,
  type Subject,
  type TraitCatalog,
} from "../rules"
import { summarizeTrace } from "./summarize-trace"

export interface SegmentForPlan {
  id: string
  handle: string
  /** As stored: segment('…') references carry the referenced segment's id. */
  rule: Rule
  /** The consent purpose membership needs. */
  purpose: string
}

export interface MembershipChange {
  segment_id: string
  handle: string
  reason: string
}

export interface MembershipPlan {
  enter: MembershipChange[]
  exit: MembershipChange[]
  /** Segment ids the subject is in after the plan is applied. */
  members: string[]
  /** Earliest time any of these segments can flip for this subject without a new event, or null. */
  next_change_at: Date | null
}

export interface PlanInput {
  segments: readonly SegmentForPlan[]
  subject: Subject
  /** Segment ids with an open membership now. */
  current: ReadonlySet<string>
  now: Date
  requireConsent: boolean
  catalog?: TraitCatalog
}

export function planMembership(input: PlanInput): MembershipPlan {
  const { subject, now, requireConsent } = input
  const catalog = input.catalog ?? defaultCatalog
  const ordered = orderByReferences(input.segments)
  const planned = new Set(input.segments.map((s) => s.id))
  const inNow = new Set([...input.current].filter((id) => planned.has(id)))
  // segment('…') conditions see memberships as they are after the segments they reference were decided. Stored rules
  // reference segments by id (core/rules/references.ts), so the subject's segments are ids too.
  const members = new Set(subject.segments)
  const enter: MembershipChange[] = []
  const exit: MembershipChange[] = []
  let next: number | null = null

  for (const segment of ordered) {
    const evaluated = { ...subject, segments: [...members] }
    const consented = !requireConsent || subject.consent[segment.purpose] === "granted"
    // The trace (for the reason) costs several times the bare match: build it only when membership changes.
    const member = consented && matches(segment.rule, evaluated, now, catalog)
    const was = inNow.has(segment.id)
    const reason = () => summarizeTrace(evaluate(segment.rule, evaluated, now, catalog).trace)
    if (member && !was) enter.push({ segment_id: segment.id, handle: segment.handle, reason: reason() })
    if (!member && was) {
      exit.push({ segment_id: segment.id, handle: segment.handle, reason: consented ? reason() : `no consent for '${segment.purpose}'` })
    }
    if (member) {
      inNow.add(segment.id)
      members.add(segment.id)
    } else {
      inNow.delete(segment.id)
      members.delete(segment.id)
    }
    if (consented) {
      const at = nextChange(segment.rule, evaluated, now, catalog)
      if (at && (next === null || at.getTime() < next)) next = at.getTime()
    }
  }
  return { enter, exit, members: [...inNow], next_change_at: next === null ? null : new Date(next) }
}

/** Referenced segments before the segments that reference them (by id; cycles are refused at save time). */
export function orderByReferences<T extends SegmentForPlan>(segments: readonly T[]): T[] {
  const byId = new Map(segments.map((s) => [s.id, s]))
  const out: T[] = []
  const seen = new Set<string>()
  const visit = (s: T, depth: number) => {
    if (seen.has(s.id) || depth > segments.length) return
    seen.add(s.id)
    for (const ref of dependencies(s.rule).segments) {
      const dep = byId.get(ref)
      if (dep) visit(dep, depth + 1)
    }
    out.push(s)
  }
  for (const s of segments) visit(s, 0)
  return out
}
