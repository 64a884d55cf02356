import { randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import { JOBS_TABLE } from './schema.js'
import {
  PermanentJobError,
  type EnqueueOptions,
  type JobHandler,
  type JobListener,
  type JobRow,
} from './types.js'
import { prepared } from '../db/prepared.js'
import { Maintenance } from './maintenance.js'

const MAX_BACKOFF_MS = 3_600_000

export interface JobQueueOptions {
  /** How long a claimed job stays locked; an instance that dies mid-job loses it after this. */
  leaseMs?: number
  /** Jobs claimed per round. */
  batch?: number
  /** Idle wait between rounds of the background worker. */
  pollMs?: number
  /** How long finished (`done`) jobs are kept before the worker deletes them; default 7 days. `dead` ones stay until replayed or removed. */
  retainDoneMs?: number
  logger?: Logger
}

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** Delay before retry `attempt` (1-based): `base · 2^(attempt-1)`, capped at one hour. */
export const backoffDelay = (baseMs: number, attempt: number): number =>
  Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1))

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 2000)

/**
 * A durable job queue in one table (`plume_jobs`), the same code on PostgreSQL and PGlite.
 * Claiming is one `UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED)` that sets a lease, so
 * with several instances on one database each job runs once; no transaction stays open while a
 * handler runs (PGlite has a single connection). A failed attempt is retried with exponential
 * backoff; after `maxAttempts` (or a {@link PermanentJobError}) the job is `dead` until replayed.
 * @example queue.register('mail', send); await queue.enqueue('mail', { to }); await queue.drain()
 */
export class JobQueue {
  readonly instanceId = `${process.pid}-${randomBytes(4).toString('hex')}`
  private readonly handlers = new Map<string, JobHandler>()
  private readonly listeners: JobListener[] = []
  private readonly inFlight = new Set<Promise<void>>()
  private timer: NodeJS.Timeout | undefined
  private running = false
  private stopped = true
  private loop: Promise<void> | undefined
  readonly leaseMs: number
  readonly batch: number
  readonly pollMs: number
  readonly retainDoneMs: number
  /** Housekeeping the worker runs (hourly clean-ups of plugins; the queue's own retention). */
  readonly maintenance: Maintenance

  constructor(
    private readonly knex: Knex,
    private readonly opts: JobQueueOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? 60_000
    this.batch = opts.batch ?? 10
    this.pollMs = opts.pollMs ?? 500
    this.retainDoneMs = opts.retainDoneMs ?? 7 * DAY_MS
    this.maintenance = new Maintenance(opts.logger)
    this.maintenance.every('jobs.retention', HOUR_MS, (now) =>
      this.prune(new Date(now.getTime() - this.retainDoneMs)),
    )
  }

  /**
   * Deletes `done` jobs that finished before `before` (the worker does it hourly for those older
   * than `retainDoneMs`). A job key is free again once its job is gone. Answers how many went.
   */
  async prune(before: Date): Promise<number> {
    return this.knex(JOBS_TABLE).where('status', 'done').where('finishedAt', '<', before).delete()
  }

  /** Registers the handler of one job name (a job whose name has no handler here is left for others). */
  register(name: string, handler: JobHandler): void {
    this.handlers.set(name, handler)
  }

  /** Called on every outcome (used by the firing log). */
  onOutcome(listener: JobListener): void {
    this.listeners.push(listener)
  }

  /**
   * Adds a job; pass `trx` to make it part of a transaction (it exists only if that commits).
   * Returns the job id, or `undefined` when `key` was already used.
   * @example await queue.enqueue('webhook', { url }, { trx, maxAttempts: 8 })
   */
  async enqueue(
    name: string,
    payload: Record<string, unknown>,
    opts: EnqueueOptions = {},
  ): Promise<number | undefined> {
    const db = opts.trx ?? this.knex
    const row = {
      name,
      payload: JSON.stringify(payload),
      maxAttempts: opts.maxAttempts ?? 5,
      backoffMs: opts.backoffMs ?? 30_000,
      runAt: opts.runAt ?? new Date(),
      key: opts.key ?? null,
    }
    const q = db(JOBS_TABLE).insert(row)
    const rows = await prepared<{ id: number | string }>(
      db,
      (opts.key ? q.onConflict('key').ignore() : q).returning('id'),
      'jobs_enqueue',
    )
    const id = rows[0]?.id
    if (id !== undefined) this.kick()
    return id === undefined ? undefined : Number(id)
  }

  /** Claims due jobs (pending with `runAt <= now`, or running with an expired lease). */
  private async claim(now: Date, limit: number): Promise<JobRow[]> {
    const names = [...this.handlers.keys()]
    if (names.length === 0 || limit <= 0) return []
    // a lease is judged by the real clock, so a test's future `now` never steals a running job
    const real = new Date()
    const res = await this.knex.raw(
      `update ${JOBS_TABLE} set status = 'running', attempts = attempts + 1, "lockedBy" = ?, "lockedUntil" = ?, "updatedAt" = ?
        where id in (
          select id from ${JOBS_TABLE}
           where name in (${names.map(() => '?').join(', ')})
             and ((status = 'pending' and "runAt" <= ?) or (status = 'running' and "lockedUntil" < ?))
           order by "runAt", id
           limit ?
           for update skip locked)
        returning *`,
      [this.instanceId, new Date(real.getTime() + this.leaseMs), real, ...names, now, real, limit],
    )
    return ((res as { rows: JobRow[] }).rows ?? []).map(normalize)
  }

  private async finish(
    job: JobRow,
    now: Date,
    outcome: { result?: unknown; error?: unknown },
  ): Promise<void> {
    const owned = this.knex(JOBS_TABLE).where({ id: job.id, lockedBy: this.instanceId, status: 'running' })
    if (outcome.error === undefined) {
      const result = outcome.result === undefined ? null : JSON.stringify(outcome.result)
      const n = await owned.update({
        status: 'done',
        result,
        lockedBy: null,
        lockedUntil: null,
        finishedAt: new Date(),
        updatedAt: new Date(),
        lastError: null,
      })
      if (n)
        await this.emit({
          job: { ...job, status: 'done', result: outcome.result },
          outcome: 'done',
          result: outcome.result,
        })
      return
    }
    const error = message(outcome.error)
    const dead = outcome.error instanceof PermanentJobError || job.attempts >= job.maxAttempts
    const set = dead
      ? {
          status: 'dead',
          lastError: error,
          lockedBy: null,
          lockedUntil: null,
          finishedAt: new Date(),
          updatedAt: new Date(),
        }
      : {
          status: 'pending',
          lastError: error,
          lockedBy: null,
          lockedUntil: null,
          runAt: new Date(now.getTime() + backoffDelay(job.backoffMs, job.attempts)),
          updatedAt: new Date(),
        }
    const n = await owned.update(set)
    if (n)
      await this.emit({
        job: { ...job, status: dead ? 'dead' : 'pending', lastError: error },
        outcome: dead ? 'dead' : 'retry',
        error,
      })
  }

  private async emit(event: Parameters<JobListener>[0]): Promise<void> {
    for (const l of this.listeners) {
      try {
        await l(event)
      } catch (err) {
        this.opts.logger?.error({ err, job: event.job.id }, 'jobs: outcome listener failed')
      }
    }
  }

  private async runOne(job: JobRow, now: Date): Promise<void> {
    const handler = this.handlers.get(job.name)
    try {
      if (!handler) throw new PermanentJobError(`no handler for job "${job.name}"`)
      const result = await handler(job.payload, { job, attempt: job.attempts, now })
      await this.finish(job, now, { result })
    } catch (err) {
      this.opts.logger?.warn(
        { job: job.id, name: job.name, attempt: job.attempts, err: message(err) },
        'jobs: attempt failed',
      )
      await this.finish(job, now, { error: err ?? new Error('failed') }).catch((e: unknown) =>
        this.opts.logger?.error({ err: e }, 'jobs: could not record a failure'),
      )
    }
  }

  /**
   * One round: claims up to `batch` due jobs and runs them; returns how many were claimed.
   * @example await queue.runDue(new Date('2030-01-01')) // as if it were then
   */
  async runDue(now = new Date()): Promise<number> {
    const jobs = await this.claim(now, this.batch)
    const runs = jobs.map((j) => {
      const p = this.runOne(j, now).finally(() => this.inFlight.delete(p))
      this.inFlight.add(p)
      return p
    })
    await Promise.all(runs)
    return jobs.length
  }

  /**
   * Runs rounds until nothing is due, then waits for jobs this instance is still running.
   * @example await queue.drain({ now: new Date(Date.now() + 3_600_000) })
   */
  async drain(opts: { now?: Date; maxRounds?: number } = {}): Promise<number> {
    let total = 0
    for (let i = 0; i < (opts.maxRounds ?? 1000); i++) {
      const n = await this.runDue(opts.now ?? new Date())
      total += n
      if (n === 0) break
    }
    await Promise.all([...this.inFlight])
    return total
  }

  /** Starts the background worker (rounds every `pollMs` while idle). */
  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.schedule(0)
  }

  private schedule(ms: number): void {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.tick(), ms)
    this.timer.unref()
  }

  /** A job was just added by this instance: run a round soon rather than after the poll interval. */
  private kick(): void {
    if (!this.stopped && !this.running) this.schedule(20)
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return
    this.running = true
    let claimed = 0
    this.loop = (async () => {
      try {
        await this.maintenance.run()
        claimed = await this.runDue()
      } catch (err) {
        // the database may be closing or briefly unavailable: try again after the poll interval
        this.opts.logger?.debug({ err: message(err) }, 'jobs: round failed')
      }
    })()
    await this.loop
    this.running = false
    this.schedule(claimed > 0 ? 0 : this.pollMs)
  }

  /** Stops the background worker and waits for the jobs it is running. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.loop
    await Promise.all([...this.inFlight])
  }

  /** Puts a dead (or done) job back in the queue with fresh attempts. */
  async replay(id: number): Promise<boolean> {
    const n = await this.knex(JOBS_TABLE).where({ id }).whereIn('status', ['dead', 'done']).update({
      status: 'pending',
      attempts: 0,
      runAt: new Date(),
      lastError: null,
      finishedAt: null,
      updatedAt: new Date(),
    })
    if (n) this.kick()
    return n > 0
  }

  async get(id: number): Promise<JobRow | undefined> {
    const row = (await this.knex(JOBS_TABLE).where({ id }).first()) as JobRow | undefined
    return row ? normalize(row) : undefined
  }
}

function normalize(row: JobRow): JobRow {
  return {
    ...row,
    id: Number(row.id),
    payload:
      typeof row.payload === 'string' ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
  }
}
