/**
 * The per-subject lock of the pipeline's workflows (seconds). `ttl` bounds how long a worker killed mid-evaluation
 * blocks that subject: a redelivered message (BullMQ re-queues a dead worker's job 30–90 s later) waits up to
 * `timeout` for it, and a refused evaluation is retried by the minute job (lib/pipeline/retry-later). One
 * evaluation takes well under a second; 45 s leaves room for a starved machine.
 */
export const PROFILE_LOCK = { timeout: 30, ttl: 45 } as const
