import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { defer, inTransaction, JOBS_TABLE, knexOf, prepared, type PlumeApp } from '@plume/core/internal'
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

/** Lock order: by namespace, then id — so runs that lock several subjects never deadlock. */
const lockOf = (s: CreditSubject): [number, number] =>
  s.customerId !== undefined ? [LOCK.customer, s.customerId] : [LOCK.partner, s.partnerId!]
const byLock = (a: CreditSubject, b: CreditSubject) => {
  const [na, ia] = lockOf(a)
  const [nb, ib] = lockOf(b)
  return na - nb || ia - ib
}

/**
 * Re-scores subjects in one transaction and marks done the queued `risk.assess` jobs of the
 * subjects it covers: those committed before this run read them, so their changes are in the
 * scores read after. Runs of one subject take turns (advisory lock, taken in a fixed order).
 */
export async function reassess(knex: Knex, ...who: CreditSubject[]): Promise<void> {
  const subjects = [...who].sort(byLock)
  if (subjects.length === 0) return
  await inTransaction(knex, async (trx) => {
    // per subject, lock and list in one statement: a job committed while it waited for the lock
    // is not listed (its snapshot is older) and stays pending, for the next run or the worker;
    // the score's reads travel with the lock and run after it on the server. Every subject's
    // statements go out together (pipelined).
    const runs = subjects.map((s) =>
      Promise.all([
        prepared<{ id: number | string | null }>(
          trx,
          trx.raw(
            // (a left join: the lock is taken even when no job is listed)
            `select j.id from (select pg_advisory_xact_lock(?::int, ?::int)) l left join ${JOBS_TABLE} j on j.name = ? and j.status = 'pending' and j.payload @> ?::jsonb`,
            [...lockOf(s), ASSESS_JOB, JSON.stringify(s)],
          ),
          'risk_lock_jobs',
        ),
        assess(trx, s),
      ]),
    )
    const covered = (await Promise.all(runs)).flatMap(([rows]) =>
      rows.flatMap((r) => (r.id === null ? [] : [Number(r.id)])),
    )
    if (covered.length) {
      const now = new Date()
      await defer(
        trx,
        prepared(
          trx,
          trx(JOBS_TABLE)
            .whereRaw('id = any(?::bigint[])', [covered as unknown as Knex.RawBinding])
            .where('status', 'pending')
            .update({
              status: 'done',
              result: JSON.stringify({ coveredBy: 'after-commit' }),
              finishedAt: now,
              updatedAt: now,
            }),
          'risk_jobs_done',
        ),
      )
    }
  })
}

/** The next batch of re-scorings of an instance, still gathering subjects, and the last one scheduled. */
interface Batches {
  gathering?: { subjects: Map<string, CreditSubject>; done: Promise<void> }
  last: Promise<void>
}
const batches = new WeakMap<object, Batches>()
/** Subjects per batch at most: a batch holds their advisory locks until it commits. */
export const BATCH_MAX = 100

/**
 * Re-scores `who` soon, in a batch: every subject asked for while the previous batch runs (or
 * in the same turn) is re-scored in the next one, one transaction for all of them. A batch starts
 * after the caller's commit and after the previous batch, so every caller's change is in the run
 * it waits for, and one instance runs one batch at a time. A batch that fails fails for all its
 * callers (logged); their jobs stay pending and the queue's worker runs them. At most
 * `BATCH_MAX` subjects per batch.
 */
function reassessSoon(app: PlumeApp, who: CreditSubject): Promise<void> {
  let b = batches.get(app)
  if (!b) batches.set(app, (b = { last: Promise.resolve() }))
  const state = b
  const key = keyOf(who)
  let batch = state.gathering
  // a full batch: the next one gathers behind it
  if (batch && batch.subjects.size >= BATCH_MAX && !batch.subjects.has(key)) batch = undefined
  if (!batch) {
    const subjects = new Map<string, CreditSubject>()
    const done: Promise<void> = state.last
      .catch(() => undefined)
      // gather what else this turn asks for
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => {
        // closed: a subject asked for from now on goes into the next batch
        if (state.gathering?.done === done) state.gathering = undefined
        return reassess(app.get('db').knex, ...subjects.values())
      })
    batch = { subjects, done }
    state.gathering = batch
    state.last = done
    void done.catch(() => undefined)
  }
  batch.subjects.set(key, who)
  return batch.done
}

/** The queue's handler: the worker re-scores what an after-commit run did not. */
export const assessJob = (app: PlumeApp) => async (payload: Record<string, unknown>) => {
  const who = (
    typeof payload.customerId === 'number'
      ? { customerId: payload.customerId }
      : { partnerId: payload.partnerId as number }
  ) satisfies CreditSubject
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
    const queue = ctx.app.get('jobs')
    if (!queue) return assessOrder(ctx.trx, ctx.result ?? ctx.order)
    const runAt = new Date(Date.now() + ASSESS_FALLBACK_MS)
    // deferred: the job rows travel with the COMMIT
    for (const who of subjects)
      await defer(ctx.trx, queue.enqueue(ASSESS_JOB, { ...who }, { trx: ctx.trx, runAt, backoffMs: 5_000 }))
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
  const trx = knexOf(context)
  const rows = (Array.isArray(context.result) ? context.result : [context.result]) as Array<
    Record<string, unknown> | undefined
  >
  for (const row of rows) {
    if (!row) continue
    let subject: { customerId?: unknown; partnerId?: unknown } = row
    // allocations name only the invoice
    if (row.customerId === undefined && typeof row.invoiceId === 'number') {
      subject =
        ((await trx('invoices').where('id', row.invoiceId).first('customerId', 'partnerId')) as
          typeof subject | undefined) ?? {}
    }
    await assessOrder(trx, subject)
  }
}
