// Which variant of a placement a subject sees. Pure (no Medusa import), unit-tested.

export type VariantCandidate = {
  id: string
  segment_id: string | null
  priority: number
  status: string
  created_at?: Date | string | null
  deleted_at?: Date | string | null
}

const order = (a: VariantCandidate, b: VariantCandidate) =>
  b.priority - a.priority ||
  new Date(a.created_at ?? 0).getTime() - new Date(b.created_at ?? 0).getTime() ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/**
 * The highest-priority active variant targeting a segment the subject is in; when none matches, the
 * highest-priority active default (segment_id null); else null. Ties: the older variant, then the smaller id.
 * A segment variant always beats a default, whatever their priorities: defaults are the fallback.
 */
export function pickVariant<V extends VariantCandidate>(variants: readonly V[], memberOf: ReadonlySet<string>): V | null {
  const live = variants.filter((v) => v.status === "active" && !v.deleted_at)
  const targeted = live.filter((v) => v.segment_id !== null && memberOf.has(v.segment_id)).sort(order)
  if (targeted.length) return targeted[0]
  const defaults = live.filter((v) => v.segment_id === null).sort(order)
  return defaults[0] ?? null
}
