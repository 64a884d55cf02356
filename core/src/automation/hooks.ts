import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import { lockedRow } from '../service/locked-row.js'
import type { EntityParams } from '../service/entity-service.js'
import type { EntityEvent, TriggerEvent } from './types.js'

const EVENTS: Record<string, EntityEvent> = {
  create: 'created',
  patch: 'patched',
  update: 'updated',
  remove: 'removed',
}

type Row = Record<string, unknown>
/** Reads one stored row as the entity service returns it (in the write's transaction); undefined when gone. */
export type RowReader = (id: number, db: Knex | Knex.Transaction) => Promise<Row | undefined>

/** Events of the write, waiting for {@link automationEvents} (set on the hook context). */
const PENDING = Symbol('plume.automation.pending')
type Waiting = HookContext & { [PENDING]?: TriggerEvent[] }

const rows = (result: unknown): Row[] => {
  const list = Array.isArray(result)
    ? result
    : Array.isArray((result as { data?: unknown })?.data)
      ? (result as { data: unknown[] }).data
      : [result]
  return list.filter((r): r is Row => !!r && typeof r === 'object')
}

const dbOf = (app: PlumeApp, context: HookContext): Knex | Knex.Transaction =>
  (context.params as { transaction?: Knex.Transaction }).transaction ?? app.get('db').knex

/**
 * The automation hook of one entity service, innermost in its chain (after permissions,
 * validation and plugin hooks, inside the write's transaction): before the write, hold rules may
 * block it (409/422 with their message); after it, the write's events are handed to
 * {@link automationEvents} (outermost inside the transaction), which evaluates them once every
 * plugin hook has finished — or evaluated here when that hook is not in the chain.
 * @example chain.push(automationHook(app, entity, read))
 */
export const automationHook =
  (app: PlumeApp, entity: EntityDefinition, read?: RowReader): AroundHook =>
  async (context: HookContext, next: NextFunction) => {
    const on = EVENTS[context.method]
    const engine = app.get('automation')
    if (!on || !engine) return next()
    const before = engine.listens('before', entity.name, on)
    const after = engine.listens('after', entity.name, on)
    if (!before && !after) return next()
    const params = context.params as Row
    const db = dbOf(app, context)
    const single = context.id !== null && context.id !== undefined
    let previous: Row | undefined
    // the write's locked row (read once for the whole chain) when it has one
    const lock = lockedRow(context.params as EntityParams)
    if (single && on !== 'created')
      previous = lock
        ? await lock
        : read
          ? await read(Number(context.id), db)
          : ((await db(entity.table)
              .where('id', context.id as number)
              .first()) as Row | undefined)
    const data =
      context.data && typeof context.data === 'object' && !Array.isArray(context.data)
        ? (context.data as Row)
        : undefined
    if (before) {
      const record = on === 'created' ? { ...(data ?? {}) } : { ...(previous ?? {}), ...(data ?? {}) }
      await engine.hold(
        { entity: entity.name, on, record, ...(previous ? { previous } : {}), ...(data ? { data } : {}) },
        db,
        { params },
      )
    }
    await next()
    if (!after) return
    // a copy: the result is masked in place on its way out (encrypted fields)
    const events = rows(context.result).map((record): TriggerEvent => ({
      entity: entity.name,
      on,
      record: { ...record },
      ...(previous ? { previous } : {}),
      ...(data ? { data } : {}),
    }))
    const waiting = (context as Waiting)[PENDING]
    if (waiting) waiting.push(...events)
    else for (const event of events) await engine.emit(event, db, { params })
  }

/**
 * Whether the record a write returned is already the record as it will commit: nothing in the
 * chain after the write may change the row again (no plugin hooks on the method) and the record
 * holds every column (none hidden from the caller).
 */
export type SettledRecord = (context: HookContext, record: Row) => boolean

/**
 * Evaluates the after-rules of a write once the whole write is done — plugin hooks included (an
 * order's lines inserted and priced after its row) — with each record read again in the write's
 * transaction: a rule sees the record as it will be committed, and its firings and action jobs
 * commit or roll back with the write. A record already `settled` is taken as the write returned it
 * (no second read). Placed right inside the transaction hook. A write that never reached the
 * database (an idempotent replay answered from its key) evaluates nothing.
 * @example [transaction(), automationEvents(app, read, settled), …, automationHook(app, entity, read)]
 */
export const automationEvents =
  (app: PlumeApp, read: RowReader, settled?: SettledRecord): AroundHook =>
  async (context: HookContext, next: NextFunction) => {
    if (!EVENTS[context.method] || !app.get('automation')) return next()
    const waiting: TriggerEvent[] = []
    ;(context as Waiting)[PENDING] = waiting
    try {
      await next()
    } finally {
      delete (context as Waiting)[PENDING]
    }
    const engine = app.get('automation')
    if (waiting.length === 0 || !engine) return
    const db = dbOf(app, context)
    for (const event of waiting) {
      const id = Number(event.record.id)
      const fresh =
        event.on === 'removed' || !Number.isInteger(id)
          ? undefined
          : settled?.(context, event.record)
            ? event.record
            : await read(id, db)
      await engine.emit(fresh ? { ...event, record: fresh } : event, db, { params: context.params as Row })
    }
  }
