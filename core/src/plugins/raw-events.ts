/**
 * Realtime for records written by raw SQL (ledgers, stock levels): what a service write announces
 * by itself, a raw statement announces through `announceAfterCommit`.
 */
import { NotFound } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { onCommitted } from '../db/commit.js'
import type { PlumeApp } from '../kernel/types.js'
import { EntityService, type Row } from '../service/entity-service.js'

export type RawWriteEvent = 'created' | 'patched'

/**
 * Announces records of `entity` that `trx` wrote with raw SQL: once `trx` commits — with the
 * outermost transaction when it is nested — and never when it rolls back, each record is read as committed by its entity service's own `get` and the service
 * emits `event` with it — the realtime publisher then filters and masks it per recipient exactly as
 * for a service write. Records gone by then, or an entity without a mounted service, announce
 * nothing. Call it in the transaction, right after the statement. When the ids are known only
 * after the commit (rows a deferred trigger writes inside COMMIT), pass a function that reads them
 * then.
 * @example announceAfterCommit(app, trx, 'stockMovement', 'created', [movementId])
 */
export function announceAfterCommit(
  app: PlumeApp,
  trx: Knex.Transaction,
  entity: string,
  event: RawWriteEvent,
  ids: readonly number[] | (() => Promise<readonly number[]>),
): void {
  const def = app.get('entities').get(entity)
  if (!def || (Array.isArray(ids) && ids.length === 0)) return
  // after a rollback (of this or an enclosing transaction) there is nothing to tell
  onCommitted(trx, async () => {
    let committed: readonly number[]
    try {
      committed = typeof ids === 'function' ? await ids() : ids
    } catch (err) {
      app
        .get('logger')
        .error({ err: (err as Error).message, entity }, 'raw write: finding the records failed')
      return
    }
    await emitCommitted(app, `api/${def.plural}`, event, committed)
  })
}

async function emitCommitted(
  app: PlumeApp,
  path: string,
  event: RawWriteEvent,
  ids: readonly number[],
): Promise<void> {
  const service: unknown = app.services[path]
  if (!(service instanceof EntityService)) return
  // the service's own get, without hooks (the mounted object's prototype is the instance)
  const get = (Object.getPrototypeOf(service) as EntityService).get
  for (const id of new Set(ids)) {
    try {
      const row = (await get.call(service, id, {})) as Row
      const context = {
        app,
        service,
        path,
        method: event === 'created' ? 'create' : 'patch',
        type: 'around',
        event,
        id,
        data: undefined,
        params: {},
        result: row,
      } as unknown as HookContext
      ;(service as unknown as { emit(event: string, data: unknown, context: HookContext): void }).emit(
        event,
        row,
        context,
      )
    } catch (err) {
      if (err instanceof NotFound) continue
      app.get('logger').error({ err: (err as Error).message, path, id }, 'raw write: realtime event failed')
    }
  }
}
