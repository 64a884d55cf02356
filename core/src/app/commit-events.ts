import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { inTransaction } from '../db/commit.js'

/** A service event of a write made inside a transaction that has not committed yet. */
interface HeldEvent {
  path: string
  id: unknown
  event: string
  emit(): void
}

const held = new WeakMap<Knex.Transaction, HeldEvent[]>()

/**
 * Runs `work` in one transaction (`inTransaction`) whose service events wait for its commit: the
 * events of writes nested in it (`holdEvent`) are emitted in order once it has committed, and
 * never when it rolls back — a screen is not told about a change that did not happen. The
 * transaction hook of entity writes and the action service open their transactions with it.
 * @example await withCommitEvents(knex, (trx) => app.service('api/invoices').patch(7, data, { transaction: trx }))
 */
export async function withCommitEvents<T>(
  knex: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  let own: Knex.Transaction | undefined
  try {
    const result = await inTransaction(knex, (trx) => {
      own = trx
      held.set(trx, [])
      return work(trx)
    })
    for (const e of held.get(own!) ?? []) e.emit()
    return result
  } finally {
    if (own) held.delete(own)
  }
}

/**
 * Called after a write nested in `trx` ran: when `trx` was opened by `withCommitEvents`, the
 * event Feathers would emit now (`context.event`) waits for the commit instead. A transaction
 * opened elsewhere keeps Feathers' behaviour (the event is emitted at once).
 */
export function holdEvent(context: HookContext, trx: Knex.Transaction): void {
  const queue = held.get(trx)
  const event = context.event
  if (!queue || typeof event !== 'string') return
  context.event = null
  const results: unknown[] = Array.isArray(context.result)
    ? [...(context.result as unknown[])]
    : [context.result]
  for (const data of results) {
    const id = data && typeof data === 'object' ? (data as { id?: unknown }).id : undefined
    queue.push({ path: context.path, id, event, emit: () => void context.self.emit(event, data, context) })
  }
}

/**
 * Forgets the held `patched`/`updated` events of one record: whoever calls this emits a newer
 * state of it after the commit (the action service, with the record as committed).
 */
export function supersedeHeldEvents(trx: Knex.Transaction, path: string, id: number): void {
  const queue = held.get(trx)
  if (!queue) return
  held.set(
    trx,
    queue.filter(
      (e) => !(e.path === path && Number(e.id) === id && (e.event === 'patched' || e.event === 'updated')),
    ),
  )
}

/** How many events wait for the commit of `trx` (a mark for {@link summarizeHeldEvents}). */
export function heldEventCount(trx: Knex.Transaction): number {
  return held.get(trx)?.length ?? 0
}

/**
 * Replaces the held `created`/`patched`/`updated` (and `event`) events of `path` queued since
 * `from` by one event `event` with `data` (emitted by `emit` after the commit): a bulk write of many records
 * tells listeners once. Answers whether there was a queue to change.
 */
export function summarizeHeldEvents(
  trx: Knex.Transaction,
  from: number,
  path: string,
  event: string,
  data: unknown,
  emit: (event: string, data: unknown) => void,
): boolean {
  const queue = held.get(trx)
  if (!queue) return false
  // an earlier summary of the same write is replaced too
  const kept = queue.filter(
    (e, i) =>
      i < from ||
      e.path !== path ||
      !(e.event === 'created' || e.event === 'patched' || e.event === 'updated' || e.event === event),
  )
  kept.push({ path, id: undefined, event, emit: () => emit(event, data) })
  held.set(trx, kept)
  return true
}
