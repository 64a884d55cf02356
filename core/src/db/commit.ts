import type { Knex } from 'knex'
import { pinConnection, pinnedConnection, prepared } from './prepared.js'
import { sentBegin } from './pipelined-begin.js'

interface Deferred {
  /** Every deferred write, settled (a failure is kept in `failure`, never left unhandled). */
  writes: Array<Promise<void>>
  failure?: unknown
}

/** Transactions opened by `begin()` on PostgreSQL: committed by `commit()`, so they may carry deferred writes. */
const owned = new WeakMap<Knex.Transaction, Deferred>()

/**
 * Opens a transaction that `commit()` will commit, and that may therefore carry deferred
 * writes (see `defer`). The action service and the write transaction of entity services use it.
 * Most callers want `inTransaction(knex, work)`, which also commits and rolls back.
 * @example const trx = await begin(knex); try { await work(trx); await commit(trx) } catch (e) { await trx.rollback(); throw e }
 */
export async function begin(knex: Knex): Promise<Knex.Transaction> {
  const trx = await knex.transaction()
  // on PostgreSQL: statements reach the connection in call order, so a deferred write is sent
  // before the COMMIT that follows it (PGlite runs one statement at a time: nothing to defer)
  if (await pinConnection(trx)) {
    const d: Deferred = { writes: [] }
    owned.set(trx, d)
    // a BEGIN not waited for (pipelined-begin.ts) is checked like a deferred write: if it failed,
    // the commit fails with its error (a lost connection), not with what it led to
    const sent = sentBegin(pinnedConnection(trx)!)
    if (sent) track(d, sent)
  }
  return trx
}

function track(d: Deferred, sent: PromiseLike<unknown>): void {
  d.writes.push(
    Promise.resolve(sent).then(
      () => undefined,
      (err: unknown) => {
        d.failure ??= err
      },
    ),
  )
}

const isQuery = (w: unknown): w is Knex.QueryBuilder | Knex.Raw =>
  typeof (w as { toSQL?: unknown })?.toSQL === 'function'

/**
 * Sends a write and lets the caller go on without waiting for its answer, when `trx` is one
 * `begin()` opened: the write travels with the statements that follow it (the pool's
 * connections are pipelined), and `commit()` sends the COMMIT behind it, then checks every
 * deferred answer — a failed write fails the commit, and PostgreSQL has then rolled the whole
 * transaction back. In any other transaction (whose commit is not ours) it waits for the answer.
 * Only for writes whose result nobody reads (job rows, staged reservations, audit entries).
 * `write` is a knex query (sent at once as a prepared statement) or a promise of statements
 * already sent — through `prepared`/`statement`, which hand them to the connection at the call.
 * @example await defer(trx, queue.enqueue('risk.assess', { customerId }, { trx }))
 */
export async function defer(
  trx: Knex.Transaction | Knex,
  write: PromiseLike<unknown> | Knex.QueryBuilder | Knex.Raw,
): Promise<void> {
  const d = owned.get(trx as Knex.Transaction)
  if (!d) {
    await write
    return
  }
  // a query is sent now, as a statement (a knex query would be sent after some turns: maybe after the COMMIT)
  track(d, isQuery(write) ? prepared(trx, write, 'deferred') : write)
}

/**
 * The first deferred write of `trx` that failed, if any: the real cause when a later statement
 * fails with "current transaction is aborted".
 */
export function deferredFailure(trx: Knex.Transaction): unknown {
  return owned.get(trx)?.failure
}

/**
 * Commits `trx` and fails when the COMMIT fails. Knex's `commit()` of a transaction made without
 * a handler resolves even then (the failure only rejects `executionPromise`); but a COMMIT can
 * fail for real — a deferred trigger or constraint that refuses (stock settled at commit, core's
 * `DB_CONFLICT`), a serialization failure — and then nothing was written. Deferred writes are
 * checked here: the COMMIT goes out behind them, and if one failed, PostgreSQL answered the
 * COMMIT with a rollback and this throws that write's error.
 * @example const trx = await begin(knex); await work(trx); await commit(trx)
 */
export async function commit(trx: Knex.Transaction): Promise<void> {
  const d = owned.get(trx)
  if (d?.failure !== undefined) throw d.failure
  const committing = trx.commit()
  if (d?.writes.length) {
    // no handler left unattached while the deferred answers arrive
    committing.catch(() => undefined)
    await Promise.all(d.writes)
    if (d.failure !== undefined) {
      // the COMMIT found the transaction aborted: PostgreSQL rolled it back
      await committing.catch(() => undefined)
      throw d.failure
    }
  }
  await committing
  await trx.executionPromise
}

/**
 * Runs `work` in a transaction opened by `begin()`: commits with `commit()` when it returns, rolls
 * back when anything throws — and throws the real cause (a failed deferred write, not the
 * "transaction is aborted" it led to).
 * @example const order = await inTransaction(knex, async (trx) => { await defer(trx, audit(trx)); return update(trx) })
 */
export async function inTransaction<T>(knex: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  const trx = await begin(knex)
  try {
    const result = await work(trx)
    await commit(trx)
    return result
  } catch (err) {
    const cause = deferredFailure(trx) ?? err
    await trx.rollback().catch(() => undefined)
    throw cause
  }
}

/**
 * Runs `fn` once `trx` has committed for real: a transaction nested in another (a savepoint)
 * commits only with the outermost one, so `fn` waits for every level and never runs when any of
 * them rolls back. (Knex resolves — not rejects — a handler-less transaction's `executionPromise`
 * on a plain `rollback()`, so the rollbacks are watched here.) `fn` handles its own errors.
 * @example onCommitted(trx, () => notify(ids))
 */
export function onCommitted(trx: Knex.Transaction, fn: () => unknown): void {
  const levels: Nested[] = []
  for (let t: Nested | undefined = trx; t; t = t.parentTransaction) levels.push(watchRollback(t))
  Promise.all(levels.map((t) => t.executionPromise)).then(
    () => void (levels.some((t) => rolledBack.has(t)) ? undefined : fn()),
    () => undefined,
  )
}

/** Knex sets `parentTransaction` on the transaction object of a nested transaction. */
type Nested = Knex.Transaction & { parentTransaction?: Nested }

const rolledBack = new WeakSet<Knex.Transaction>()
const watched = new WeakSet<Knex.Transaction>()

function watchRollback(t: Nested): Nested {
  if (watched.has(t)) return t
  watched.add(t)
  const rollback = t.rollback.bind(t)
  t.rollback = ((error?: unknown) => {
    rolledBack.add(t)
    return rollback(error)
  }) as typeof t.rollback
  return t
}
