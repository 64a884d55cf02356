import { NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import { requireAuth } from '../auth/session.js'
import type { ActionInfo } from '../plugins/actions.js'
import type { Row } from '../service/entity-service.js'
import { callerOf, engineOf, forbid } from './hooks.js'
import { entityByPath, EXPLAIN_PATH, resourceOf } from './resources.js'

const ID = /^\d{1,10}$/
/** Open to every caller its own hooks admit: sign-in, and `api/meta` (which filters itself through `metaFilter`). */
const OPEN: ReadonlySet<string> = new Set(['api/authentication', 'api/meta'])

/**
 * Authorizes a record action (`POST /api/orders/:id/submit`) with its permission name as the
 * action (`orders:submit`); the record must lie inside the grant's rows (else 404, as missing).
 * @example app.set('actionHooks', [authorizeAction(app)])
 */
export const authorizeAction = (app: PlumeApp): AroundHook => async (context: HookContext, next: NextFunction) => {
  const params = context.params as { provider?: string; user?: unknown; action?: ActionInfo; route?: Record<string, unknown> }
  if (!params.provider) return next()
  const info = params.action
  const entity = info ? entityByPath(app).get(info.path.replace(/\/:id\/[^/]+$/, '')) : undefined
  const permission = info?.permission ?? 'unknown action'
  const user = callerOf(params, permission, entity?.name ?? context.path)
  if (!info || !entity) throw forbid({ allowed: false, matched: [], errors: [], grants: [], filters: [], hidden: new Set(), guarded: new Map() }, permission, context.path)
  const engine = engineOf(app)
  const rawId = String(params.route?.id ?? '')
  const needs = engine.needs(entity.name, permission)
  let record: Row | undefined
  if (needs.record && ID.test(rawId)) record = (await app.service(`api/${entity.plural}`).get(Number(rawId))) as Row
  const data = context.data && typeof context.data === 'object' && !Array.isArray(context.data) ? (context.data as Row) : {}
  const d = engine.decide(entity.name, permission, user, { ...(needs.data ? { data } : {}), ...(record ? { record } : {}) })
  if (!d.allowed) throw forbid(d, permission, entity.name)
  if (d.scope && ID.test(rawId)) {
    const found: unknown = await app.get('db').knex(entity.table).where('id', Number(rawId)).where(d.scope).first('id')
    if (!found) throw new NotFound(`No ${entity.name} with id ${rawId}`)
  }
  return next()
}

/**
 * App-level guard for every non-entity service (rules, explain, plugins, audit, plugin custom
 * services): authenticates external calls and checks `<method>` (or `explain`) on the service's
 * resource. Entity services and actions have their own hooks; authentication is open.
 * @example app.hooks({ around: { all: [guardServices(app)] } })
 */
export const guardServices = (app: PlumeApp): AroundHook => {
  let paths = entityByPath(app)
  let size = app.get('entities').size
  return async (context: HookContext, next: NextFunction) => {
    const path = context.path
    if (!context.params.provider || OPEN.has(path) || path.includes(':')) return next()
    if (app.get('entities').size !== size) {
      paths = entityByPath(app)
      size = app.get('entities').size
    }
    if (paths.has(path)) return next()
    await requireAuth()(context, async () => undefined)
    const resource = resourceOf(path)
    const action = path === EXPLAIN_PATH ? 'explain' : context.method
    const user = callerOf(context.params, action, resource)
    const d = engineOf(app).decide(resource, action, user)
    if (!d.allowed) throw forbid(d, action, resource)
    return next()
  }
}
