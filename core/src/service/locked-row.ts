import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { AroundHook } from '../kernel/types.js'
import type { EntityParams, Row } from './entity-service.js'

declare module './entity-service.js' {
  interface EntityParams {
    /**
     * In-process writes only: the stored row as the caller read it, locked (`FOR UPDATE`), in this
     * write's transaction and unchanged since (e.g. an action handler's `context.record`). The
     * write takes it as its locked row ({@link lockedRow}) instead of reading it again; ignored for
     * external calls.
     */
    before?: Row
  }
}

/** Reads one stored row `FOR UPDATE` in the write's transaction, as the entity service returns it; undefined when missing. */
export type LockReader = (id: number, trx: Knex.Transaction) => Promise<Row | undefined>

const ID = /^\d{1,10}$/
const ONE_ROW: ReadonlySet<string> = new Set(['patch', 'update', 'remove'])

/** The write's row lock, per call: keyed by the call's params object, so a nested call (own params) never sees it. */
const LOCKS = new WeakMap<object, () => Promise<Row | undefined>>()

/**
 * The stored row a single-record write (patch, update, remove) works on, locked `FOR UPDATE` in its
 * transaction and read once for everyone in the chain — the permission check, the audit trail's
 * "before" and the automation rules' `previous`: the first one asking reads it, the others get the
 * same row. `undefined` when the record does not exist; `null` when the call has no lock (a read,
 * a create, a write outside {@link lockRow}).
 * @example const row = await lockedRow(context.params)
 */
export function lockedRow(params: EntityParams): Promise<Row | undefined> | null {
  const lock = LOCKS.get(params)
  return lock ? lock() : null
}

/**
 * Gives a single-record write its row lock ({@link lockedRow}), placed right inside the transaction
 * hook. The row is read lazily, once; an in-process caller that already holds the row locked in this
 * transaction hands it over as `params.before` and nothing is read.
 * @example [transaction(), lockRow(read), authorize(app, entity), …]
 */
export const lockRow =
  (read: LockReader): AroundHook =>
  async (context: HookContext, next: NextFunction) => {
    const params = context.params as EntityParams
    const trx = params.transaction
    const text = context.id === null || context.id === undefined ? '' : String(context.id)
    if (!trx || !ONE_ROW.has(context.method) || !ID.test(text)) return next()
    const key = Number(text)
    const given =
      !params.provider && params.before && Number(params.before.id) === key ? params.before : undefined
    let row: Promise<Row | undefined> | undefined = given ? Promise.resolve(given) : undefined
    LOCKS.set(params, () => (row ??= read(key, trx)))
    try {
      await next()
    } finally {
      LOCKS.delete(params)
    }
  }
