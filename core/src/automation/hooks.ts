import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { AroundHook, PlumeApp } from '../app/types.js'
import type { AutomationEngine } from './engine.js'
import type { EntityEvent } from './types.js'

const EVENTS: Record<string, EntityEvent> = { create: 'created', patch: 'patched', update: 'updated', remove: 'removed' }

type Row = Record<string, unknown>
const rows = (result: unknown): Row[] => {
  const list = Array.isArray(result) ? result : Array.isArray((result as { data?: unknown })?.data) ? (result as { data: unknown[] }).data : [result]
  return list.filter((r): r is Row => !!r && typeof r === 'object')
}

/**
 * The automation hook of one entity service, innermost in its chain (after permissions,
 * validation and plugin hooks, inside the write's transaction): before the write, hold rules may
 * block it (409/422 with their message); after it, the rules listening to `created`/`patched`/
 * `updated`/`removed` are evaluated and their firings and jobs written in the same transaction.
 * @example chain.push(automationHook(app, entity))
 */
export const automationHook = (app: PlumeApp, entity: EntityDefinition): AroundHook => async (context: HookContext, next: NextFunction) => {
  const on = EVENTS[context.method]
  const engine = app.get('automation') as AutomationEngine | undefined
  if (!on || !engine) return next()
  const before = engine.listens('before', entity.name, on)
  const after = engine.listens('after', entity.name, on)
  if (!before && !after) return next()
  const params = context.params as Row & { transaction?: Knex.Transaction }
  const db = params.transaction ?? app.get('db').knex
  const single = context.id !== null && context.id !== undefined
  let previous: Row | undefined
  if (single && on !== 'created') previous = (await db(entity.table).where('id', context.id as number).first()) as Row | undefined
  const data = context.data && typeof context.data === 'object' && !Array.isArray(context.data) ? (context.data as Row) : undefined
  if (before) {
    const record = on === 'created' ? { ...(data ?? {}) } : { ...(previous ?? {}), ...(data ?? {}) }
    await engine.hold({ entity: entity.name, on, record, ...(previous ? { previous } : {}), ...(data ? { data } : {}) }, db, { params })
  }
  await next()
  if (!after) return
  for (const record of rows(context.result)) {
    await engine.emit({ entity: entity.name, on, record, ...(previous ? { previous } : {}), ...(data ? { data } : {}) }, db, { params })
  }
}
