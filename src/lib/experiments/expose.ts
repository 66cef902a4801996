// Holdouts at serve time. An experiment puts `holdout_percent` % of subjects (by hash of subject key + salt, so no
// storage is needed to stay stable) in the control arm, which must not see its target. Exposures are logged for
// both arms at the moment the target WOULD have been served — the control's exposure is the counterfactual — so
// the arms are comparable. Logging is one upsert statement; nothing here ever throws into a storefront call.
import { ContainerRegistrationKeys, generateEntityId } from "@medusajs/framework/utils"
import { sql } from "../db/raw-sql"
import { assignArm, type Arm } from "../../core/stats"

type Resolver = { resolve<T = unknown>(key: string): T }

export type ExperimentTargetType = "placement_variant" | "promotion"

/** Who is served. `customer_id` wins over `visitor_id` for the assignment key. */
export type ExposureSubject = { customer_id?: string | null; visitor_id?: string | null; profile_id?: string | null }

export type Assignment = { experiment_id: string; target_type: ExperimentTargetType; target_id: string; arm: Arm }

export type ExposeResult = { heldOut: Set<string>; assignments: Assignment[] }

type RunningExperiment = { id: string; target_type: ExperimentTargetType; target_id: string; holdout_percent: number; salt: string }

/** The key the arm is hashed from: `customer:<id>` for a logged-in customer, else `visitor:<id>`; null = no subject. */
export function subjectKeyOf(subject: ExposureSubject): string | null {
  if (subject.customer_id) return `customer:${subject.customer_id}`
  if (subject.visitor_id) return `visitor:${subject.visitor_id}`
  return null
}

// The running experiments, cached in-process for a few seconds: every section, offers and cart-pricing call asks,
// and most stores run none. The experiment workflows clear it, so this process sees its own changes at once;
// other processes see a create / stop within CACHE_MS.
const CACHE_MS = 5_000
let cache: { at: number; rows: Promise<RunningExperiment[]> } | null = null

/** Forget the cached running experiments (called by the experiment workflows). */
export function experimentsChanged() {
  cache = null
}

export async function allRunningExperiments(container: Resolver): Promise<RunningExperiment[]> {
  if (cache && Date.now() - cache.at < CACHE_MS) return cache.rows
  const rows = sql<RunningExperiment>(
    container,
    `SELECT id, target_type, target_id, holdout_percent, salt FROM personalization_experiment
      WHERE status = 'running' AND deleted_at IS NULL ORDER BY started_at, id`
  )
  const entry = { at: Date.now(), rows }
  cache = entry
  rows.catch(() => {
    if (cache === entry) cache = null
  })
  return rows
}

async function runningExperiments(container: Resolver, type: ExperimentTargetType, targetIds: string[]): Promise<RunningExperiment[]> {
  if (!targetIds.length) return []
  const wanted = new Set(targetIds)
  return (await allRunningExperiments(container)).filter((x) => x.target_type === type && wanted.has(x.target_id))
}

/** Upserts the exposures (one statement). A failure is logged and swallowed: the assignment still holds. */
async function logExposures(container: Resolver, subject: ExposureSubject, key: string, assignments: Assignment[], now: Date) {
  if (!assignments.length) return
  try {
    await upsertExposures(container, subject, key, assignments, now)
  } catch (e) {
    logFailure(container, e)
  }
}

async function upsertExposures(container: Resolver, subject: ExposureSubject, key: string, assignments: Assignment[], now: Date) {
  const rows = assignments.map((a) => ({ id: generateEntityId(undefined, "pexo"), experiment_id: a.experiment_id, arm: a.arm }))
  await sql(
    container,
    `INSERT INTO personalization_exposure AS e
       (id, experiment_id, subject_key, customer_id, profile_id, arm, exposed_at, last_exposed_at, exposures, created_at, updated_at)
     SELECT r.id, r.experiment_id, $2, $3, $4, r.arm, $5, $5, 1, now(), now()
       FROM jsonb_to_recordset($1::jsonb) AS r(id text, experiment_id text, arm text)
     ON CONFLICT (experiment_id, subject_key) WHERE deleted_at IS NULL DO UPDATE SET
       last_exposed_at = GREATEST(e.last_exposed_at, EXCLUDED.last_exposed_at), exposures = e.exposures + 1,
       customer_id = COALESCE(e.customer_id, EXCLUDED.customer_id), profile_id = COALESCE(e.profile_id, EXCLUDED.profile_id),
       updated_at = now()`,
    [JSON.stringify(rows), key, subject.customer_id ?? null, subject.profile_id ?? null, now.toISOString()]
  )
}

function logFailure(container: Resolver, e: unknown) {
  try {
    container.resolve<{ warn(m: string): void }>(ContainerRegistrationKeys.LOGGER).warn(
      `personalization experiments: exposure not logged or assignment skipped (${(e as Error)?.message ?? e})`
    )
  } catch {
    /* no logger: nothing more to do */
  }
}

/**
 * Assigns the subject to every running experiment on `targets` (all about to be served) and logs one exposure
 * per experiment (first exposure kept, later ones counted). Returns the target ids held out (control arm):
 * the caller must not serve them. On any failure: logs, holds nothing out, logs no exposure.
 */
export async function assignAndExpose(
  container: Resolver,
  subject: ExposureSubject,
  type: ExperimentTargetType,
  targetIds: string[],
  now: Date = new Date()
): Promise<ExposeResult> {
  const empty: ExposeResult = { heldOut: new Set(), assignments: [] }
  try {
    const key = subjectKeyOf(subject)
    if (!key || !targetIds.length) return empty
    const experiments = await runningExperiments(container, type, [...new Set(targetIds)])
    const assignments = experiments.map((x) => ({
      experiment_id: x.id,
      target_type: x.target_type,
      target_id: x.target_id,
      arm: assignArm(key, x.salt, x.holdout_percent),
    }))
    await logExposures(container, subject, key, assignments, now)
    return { heldOut: new Set(assignments.filter((a) => a.arm === "control").map((a) => a.target_id)), assignments }
  } catch (e) {
    logFailure(container, e)
    return empty
  }
}

/**
 * For placements: `candidates` are the subject's eligible variants, best first. Walks them: a variant under a
 * running experiment is an exposure; if the subject is in its control arm the walk falls through to the next
 * candidate (the next-best variant, finally the default). Only variants the subject would actually have been
 * shown are logged. Returns the variant to serve (null when every candidate is held out) and the assignments.
 * One query for the experiments, one upsert for the exposures; never throws (falls back to the first candidate).
 */
export async function firstNotHeldOut<T>(
  container: Resolver,
  subject: ExposureSubject,
  candidates: T[],
  idOf: (c: T) => string,
  now: Date = new Date()
): Promise<{ chosen: T | null; assignments: Assignment[] }> {
  try {
    const key = subjectKeyOf(subject)
    if (!key || !candidates.length) return { chosen: candidates[0] ?? null, assignments: [] }
    const experiments = await runningExperiments(container, "placement_variant", [...new Set(candidates.map(idOf))])
    const byTarget = new Map<string, RunningExperiment[]>()
    for (const x of experiments) byTarget.set(x.target_id, [...(byTarget.get(x.target_id) ?? []), x])
    const assignments: Assignment[] = []
    let chosen: T | null = null
    for (const c of candidates) {
      const xs = byTarget.get(idOf(c)) ?? []
      const arms = xs.map((x) => ({ experiment_id: x.id, target_type: x.target_type, target_id: x.target_id, arm: assignArm(key, x.salt, x.holdout_percent) }))
      assignments.push(...arms)
      if (arms.every((a) => a.arm === "treatment")) {
        chosen = c
        break
      }
    }
    await logExposures(container, subject, key, assignments, now)
    return { chosen, assignments }
  } catch (e) {
    logFailure(container, e)
    return { chosen: candidates[0] ?? null, assignments: [] }
  }
}
