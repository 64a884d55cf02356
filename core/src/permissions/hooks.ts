import { Forbidden, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import type { EntityParams, Row } from '../service/entity-service.js'
import { lockedRow } from '../service/locked-row.js'
import { parseQuery } from '../service/query.js'
import { userFact, type Decision } from './engine.js'
import { engineOf } from './engine-of.js'
import {
  afterCreate,
  afterUpdate,
  andScope,
  readOnlyError,
  scopeError,
  stripGuarded,
  union,
  writableGrants,
} from './fields.js'
import { fillOwnership } from './ownership.js'
import { assertVisibleRefs } from './refs.js'
import { filterFields, matchesRow, toScope } from './row.js'
import type { UserFact } from './types.js'

export { engineOf } from './engine-of.js'

export function callerOf(params: { user?: unknown }, action: string, what: string): UserFact {
  const user = userFact(params.user)
  if (!user) throw new Forbidden(`You may not ${action} ${what}: no user`)
  return user
}

export const forbid = (d: Decision, action: string, entity: string) =>
  new Forbidden(d.reason ?? `You may not ${action} ${entity}`, { action, entity })

const plainObject = (v: unknown): v is Row => !!v && typeof v === 'object' && !Array.isArray(v)

/**
 * The record a rule, the row scope or a relation check reads: a write's row as it locked it (read
 * once, inside the transaction: service/locked-row.ts), else read inside the caller's rows (internal
 * call: no permission check of its own).
 */
async function currentRecord(
  app: PlumeApp,
  entity: EntityDefinition,
  id: unknown,
  params: EntityParams,
): Promise<Row> {
  const lock = lockedRow(params)
  if (lock) {
    const row = await lock
    if (row) return row
    throw new NotFound(`No ${entity.name} with id ${String(id)}`)
  }
  return (await app
    .service(`api/${entity.plural}`)
    .get(id as number, { transaction: params.transaction, scope: params.scope })) as Row
}

/**
 * Authorizes one call of an entity service for external callers (internal calls are trusted):
 * allow/deny from the rules, the row condition into `params.scope`, hidden fields into
 * `params.hidden`, read-only and ownership checks on writes. A patch or update is checked inside
 * its transaction on the row it locked (no read of its own): outside the caller's rows → 404,
 * inside them but not among the rows the written fields may be written on → 403.
 * @example app.service('api/orders').hooks({ around: { all: [requireAuth(), authorize(app, order)] } })
 */
export const authorize =
  (app: PlumeApp, entity: EntityDefinition): AroundHook =>
  async (context: HookContext, next: NextFunction) => {
    const params = context.params as EntityParams & { user?: unknown }
    if (!params.provider) return next()
    const engine = engineOf(app)
    const method = context.method
    const user = callerOf(params, method, entity.name)
    const data = plainObject(context.data) ? context.data : undefined
    const needs = engine.needs(entity.name, method)
    const one = context.id !== null && context.id !== undefined
    const record = needs.record && one ? await currentRecord(app, entity, context.id, params) : undefined
    const d = engine.decide(entity.name, method, user, {
      ...(needs.data ? { data: data ?? {} } : {}),
      ...(record ? { record } : {}),
    })
    if (!d.allowed) throw forbid(d, method, entity.name)
    params.hidden = union(params.hidden, d.hidden)
    if (method === 'create') checkCreate(entity, d, data)
    if (method === 'patch' || method === 'update') {
      await narrowWrite(app, entity, d, params, method, context.id, data ?? {})
    } else params.scope = andScope(params.scope, d.scope)
    if ((method === 'find' || method === 'get') && d.guarded.size > 0) refuseGuardedInQuery(entity, params, d)
    if (data && (method === 'create' || method === 'patch' || method === 'update')) {
      await assertVisibleRefs(
        app,
        entity,
        method,
        params,
        data,
        one && method !== 'create' ? () => currentRecord(app, entity, context.id, params) : undefined,
      )
    }
    await next()
    stripGuarded(entity, d.guarded, context.result)
  }

/** Filtering or sorting on a field visible only on some rows would leak it elsewhere: refused (400, as unknown). */
function refuseGuardedInQuery(entity: EntityDefinition, params: EntityParams, d: Decision): void {
  const { $select: _s, $limit: _l, $skip: _k, ...rest } = (params.query ?? {}) as Record<string, unknown>
  parseQuery(entity, rest, {
    defaultLimit: 1,
    maxLimit: 1,
    hidden: union(params.hidden, new Set(d.guarded.keys())),
  })
}

function checkCreate(entity: EntityDefinition, d: Decision, data: Row | undefined): void {
  if (!data) return
  const keys = Object.keys(data)
  const grants = writableGrants(d.grants, keys)
  if (grants.length === 0) throw readOnlyError(entity, 'create', d.grants, keys)
  if (grants.some((g) => g.filter === null)) return
  const row = afterCreate(entity, data)
  const filters = grants.map((g) => g.filter!)
  if (filters.some((g) => matchesRow(entity, row, g))) return
  // ownership left out (a partner user's order without partnerId): the caller's own value is filled in
  const fill = fillOwnership(entity, grants, data)
  if (!fill) throw scopeError(entity, 'create', filters, row)
  Object.assign(data, fill)
}

/**
 * Scope of a patch/update: the rows of the grants that let every written field be written. With
 * a locked row (service/locked-row.ts) it is tested here, on that row: outside the read grants'
 * rows → 404 as missing; inside them but outside the written fields' grants → 403 naming the
 * read-only fields; data that would move the record out of those rows (e.g. `partnerId` of another
 * partner) → 403. The scope also goes into the write's SQL.
 */
async function narrowWrite(
  app: PlumeApp,
  entity: EntityDefinition,
  d: Decision,
  params: EntityParams,
  method: string,
  id: unknown,
  data: Row,
): Promise<void> {
  const keys = Object.keys(data).filter((k) => k !== 'version')
  const grants = writableGrants(d.grants, keys)
  if (grants.length === 0) throw readOnlyError(entity, method, d.grants, keys)
  const filters = grants.some((g) => g.filter === null) ? null : grants.map((g) => g.filter!)
  params.scope = andScope(params.scope, filters ? toScope(filters) : undefined)
  if (!filters) return
  const lock = lockedRow(params)
  const rowFields = new Set<string>()
  for (const g of filters) filterFields(g, rowFields)
  if (!lock && method !== 'update' && !keys.some((k) => rowFields.has(k))) return
  const current = await currentRecord(app, entity, id, params)
  if (!filters.some((g) => matchesRow(entity, current, g))) {
    // 403 only where the written fields are read-only on a row the read grants' rows hold (a grant
    // over every row, or data moving the row's own scope fields, answers 404 as missing)
    const touchesRow = method === 'update' || keys.some((k) => rowFields.has(k))
    const visible = !touchesRow && !!d.filters && d.filters.some((g) => matchesRow(entity, current, g))
    if (visible) throw readOnlyError(entity, method, d.grants, keys)
    throw new NotFound(`No ${entity.name} with id ${String(id)}`)
  }
  const after = method === 'update' ? afterUpdate(entity, current, data) : { ...current, ...data }
  if (!filters.some((g) => matchesRow(entity, after, g))) throw scopeError(entity, method, filters, after)
}
