import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { defer, inTransaction, JOBS_TABLE, prepared, type JobQueue, type PlumeApp } from '@plume/core'
import type { TransitionHook } from '@plume/plugin-orders'
import type { CreditSubject } from '../exposure.js'
import { assess, assessOrder } from '../score.js'

/** The queue job that re-scores one subject (`{customerId}` or `{partnerId}`). */
export const ASSESS_JOB = 'risk.assess'
/**
 * When the queue's worker runs a reassessment that the after-commit run did not cover (the
 * process died between commit and answer, or the transition's transaction was not an action's).
 */
export const ASSESS_FALLBACK_MS = 5_000
/** Advisory lock namespaces: one re-scoring of a subject at a time, across instances. */
const LOCK = { customer: 72051131, partner: 72051132 } as const

const subjectsOf = (order: { customerId?: unknown; partnerId?: unknown }): CreditSubject[] => [
  ...(typeof order.customerId === 'number' ? [{ customerId: order.customerId }] : []),
  ...(typeof order.partnerId === 'number' ? [{ partnerId: order.partnerId }] : []),
]
const keyOf = (s: CreditSubject) => (s.customerId !== undefined ? `c${s.customerId}` : `p${s.partnerId}`)

/**
 * Re-scores a subject in its own transaction and marks done the queued `risk.assess` jobs of the
 * subject it covers: those committed before this run read them, so their changes are in the
 * score read after. Runs of one subject take turns (advisory lock).
 */
export async function reassess(knex: Knex, who: CreditSubject): Promise<void> {
  await inTransaction(knex, async (trx) => {
    // lock and list in one statement: a job committed while it waited for the lock is not
    // listed (its snapshot is older) and stays pending, for the next run or the worker
    const listed = prepared<{ id: number | string | null }>(trx, trx.raw(
      // (a left join: the lock is taken even when no job is listed)
      `select j.id from (select pg_advisory_xact_lock(?::int, ?::int)) l left join ${JOBS_TABLE} j on j.name = ? and j.status = 'pending' and j.payload @> ?::jsonb`,
      [...(who.customerId !== undefined ? [LOCK.customer, who.customerId] : [LOCK.partner, who.partnerId]), ASSESS_JOB, JSON.stringify(who)],
    ), 'risk_lock_jobs')
    // the score's reads travel with the lock and run after it on the server
    const [rows] = await Promise.all([listed, assess(trx, who)])
    const covered = rows.flatMap((r) => (r.id === null ? [] : [Number(r.id)]))
    if (covered.length) {
      const now = new Date()
      await defer(trx, prepared(trx, trx(JOBS_TABLE).whereRaw('id = any(?::bigint[])', [covered as unknown as Knex.RawBinding]).where('status', 'pending').update({ status: 'done', result: JSON.stringify({ coveredBy: 'after-commit' }), finishedAt: now, updatedAt: now }), 'risk_jobs_done'))
    }
  })
}

const flights = new WeakMap<object, { waiting: Map<string, Promise<void>>; tail: Map<string, Promise<void>> }>()

/**
 * Re-scores `who` soon, sharing runs: a caller joins a run that has not started yet, else queues
 * one after the current run (which may have started before the caller's commit). So at most one
 * run per subject is active per instance, and every caller's change is in the run it waits for.
 */
function reassessSoon(app: PlumeApp, who: CreditSubject): Promise<void> {
  let f = flights.get(app)
  if (!f) flights.set(app, (f = { waiting: new Map(), tail: new Map() }))
  const { waiting, tail } = f
  const key = keyOf(who)
  const queued = waiting.get(key)
  if (queued) return queued
  const run: Promise<void> = (tail.get(key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => {
      waiting.delete(key)
      return reassess(app.get('db').knex, who)
    })
  waiting.set(key, run)
  tail.set(key, run)
  void run.finally(() => tail.get(key) === run && tail.delete(key)).catch(() => undefined)
  return run
}

/** The queue's handler: the worker re-scores what an after-commit run did not. */
export const assessJob = (app: PlumeApp) => async (payload: Record<string, unknown>) => {
  const who = (typeof payload.customerId === 'number' ? { customerId: payload.customerId } : { partnerId: payload.partnerId as number }) satisfies CreditSubject
  await reassess(app.get('db').knex, who)
}

/**
 * After every order transition the customer's and partner's risk scores follow — not inside the
 * transition (the score reads all of the buyer's orders and invoices, which must not lengthen a
 * transaction that holds stock rows): a `risk.assess` job per subject is queued in the
 * transaction (durable: it exists if the transition commits), and right after the commit, before
 * the answer, the score is recomputed and the job marked done. The worker runs what is left.
 */
export const reassessOnTransition = (): TransitionHook => ({
  name: 'risk:reassess',
  async after(ctx) {
    const subjects = subjectsOf(ctx.result ?? ctx.order)
    const queue = ctx.app.get('jobs') as JobQueue | undefined
    if (!queue) return assessOrder(ctx.trx, ctx.result ?? ctx.order)
    const runAt = new Date(Date.now() + ASSESS_FALLBACK_MS)
    // deferred: the job rows travel with the COMMIT
    for (const who of subjects) await defer(ctx.trx, queue.enqueue(ASSESS_JOB, { ...who }, { trx: ctx.trx, runAt, backoffMs: 5_000 }))
    ctx.afterCommit(async () => {
      await Promise.all(subjects.map((who) => reassessSoon(ctx.app, who)))
    })
  },
})

/**
 * After a money event written through its service (payment, allocation, invoice, credit note):
 * re-scores the customer and partner it names, in the write's transaction.
 * @example hooks: { payment: { create: [reassessAfterWrite()] } }
 */
export const reassessAfterWrite = () => async (context: HookContext, next: NextFunction) => {
  await next()
  const trx = (context.params as { transaction?: Knex.Transaction }).transaction ?? (context.app.get('db') as { knex: Knex }).knex
  const rows = (Array.isArray(context.result) ? context.result : [context.result]) as Array<Record<string, unknown> | undefined>
  for (const row of rows) {
    if (!row) continue
    let subject: { customerId?: unknown; partnerId?: unknown } = row
    // allocations name only the invoice
    if (row.customerId === undefined && typeof row.invoiceId === 'number') {
      subject = ((await trx('invoices').where('id', row.invoiceId).first('customerId', 'partnerId')) as typeof subject | undefined) ?? {}
    }
    await assessOrder(trx, subject)
  }
}
