import type { Knex } from 'knex'

export type JobStatus = 'pending' | 'running' | 'done' | 'dead'

/** One row of `plume_jobs`. */
export interface JobRow {
  id: number
  name: string
  payload: Record<string, unknown>
  status: JobStatus
  attempts: number
  maxAttempts: number
  backoffMs: number
  runAt: Date | string
  lockedBy: string | null
  lockedUntil: Date | string | null
  lastError: string | null
  result: unknown
  key: string | null
  createdAt: Date | string
  updatedAt: Date | string
  finishedAt: Date | string | null
}

export interface EnqueueOptions {
  /** When the job may run first (default: now). */
  runAt?: Date
  /** Attempts before the job is dead-lettered (default 5). */
  maxAttempts?: number
  /** Base of the exponential backoff: attempt n waits `backoffMs · 2^(n-1)` (capped at 1 h). */
  backoffMs?: number
  /** Idempotency key: a second enqueue with the same key is ignored. */
  key?: string
  /** Enqueue inside this transaction: the job exists only if it commits (outbox). */
  trx?: Knex | Knex.Transaction
}

/** What a handler gets besides the payload. */
export interface JobContext {
  job: JobRow
  /** 1 for the first run. */
  attempt: number
  /** The time the runner was asked to treat as now (tests pass one). */
  now: Date
}

export type JobHandler = (payload: Record<string, unknown>, ctx: JobContext) => Promise<unknown>

/** Thrown by a handler when retrying cannot help (e.g. an address refused): dead-lettered at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'PermanentJobError'
  }
}

/** Called after a job's final outcome (done or dead) or after a failed attempt that will retry. */
export type JobListener = (event: {
  job: JobRow
  outcome: 'done' | 'retry' | 'dead'
  error?: string
  result?: unknown
}) => Promise<void> | void
