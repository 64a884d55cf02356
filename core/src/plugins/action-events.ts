import { NotFound } from '@feathersjs/errors'
import type { HookContext, Params } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import { supersedeHeldEvents } from '../app/commit-events.js'
import { defer } from '../db/commit.js'
import type { PlumeApp } from '../kernel/types.js'
import { EntityService, type Row } from '../service/entity-service.js'

/** What the action service does for the realtime side of one action on its record. */
export interface RecordWatch {
  /** In the transaction, once the handler is done: reads the record again (sent ahead of the COMMIT). */
  reread(): Promise<void>
  /** After the commit: the entity service emits `patched` with the record, if the action changed it. */
  emit(params: Params): Promise<void>
}

const NONE: RecordWatch = { reread: async () => undefined, emit: async () => undefined }

/**
 * Watches the record of one action so that a change made by it (a transition, a hold release, an
 * invoice issued) reaches open screens like a PATCH does: the record is read as the entity
 * service answers it right behind its lock and again just before the COMMIT (each read travels
 * with statements already going out: no round trip of its own), and when the two differ the
 * entity service emits `patched` with the record as committed — the realtime publisher then
 * filters and masks it per recipient exactly as for CRUD events. An action that changed nothing
 * (an idempotent replay) emits nothing. Call right after sending the lock.
 * @example const watch = watchRecord(app, entity, trx, id) // then: handler, watch.reread(), commit, await watch.emit(params)
 */
export function watchRecord(
  app: PlumeApp,
  entity: EntityDefinition,
  trx: Knex.Transaction,
  id: number,
): RecordWatch {
  const path = `api/${entity.plural}`
  const service: unknown = app.services[path]
  if (!(service instanceof EntityService)) return NONE
  // the service's own get, without hooks (the mounted object's prototype is the instance)
  const get = (Object.getPrototypeOf(service) as EntityService).get
  const read = (): Promise<Row | undefined> => {
    const p = get
      .call(service, id, { transaction: trx })
      .catch((err: unknown) => (err instanceof NotFound ? undefined : Promise.reject(err as Error)))
    p.catch(() => undefined)
    return p
  }
  const before = read()
  // tracked like a deferred write: on PostgreSQL a failed read would otherwise roll the commit back unseen
  defer(trx, before).catch(() => undefined)
  let after: Promise<Row | undefined> | undefined
  return {
    async reread() {
      // the event sent after the commit carries the newest state: nested writes' own events of this record go
      supersedeHeldEvents(trx, path, id)
      after = read()
      // goes out ahead of the COMMIT (PostgreSQL); waited for where statements are not pipelined (PGlite)
      await defer(trx, after)
    },
    async emit(params) {
      if (!after) return
      const [was, now] = await Promise.all([before, after])
      if (!now || (was && JSON.stringify(was) === JSON.stringify(now))) return
      const context = {
        app,
        service,
        path,
        method: 'patch',
        type: 'around',
        event: 'patched',
        id,
        data: undefined,
        params,
        result: now,
      } as unknown as HookContext
      ;(service as unknown as { emit(event: string, data: unknown, context: HookContext): void }).emit(
        'patched',
        now,
        context,
      )
    },
  }
}
