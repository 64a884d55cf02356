import { NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import { requireAuth } from '../auth/session.js'
import type { ActionGuard, GuardRequest } from '../plugins/actions.js'
import { callerOf, engineOf, forbid } from './hooks.js'
import { entityByPath, EXPLAIN_PATH, resourceOf } from './resources.js'
import { matchesRow } from './row.js'

/**
 * Open to every caller its own hooks admit: sign-in, `api/meta` (which filters itself through
 * `metaFilter`) and `api/embed-sessions` (secret keys, partner admins and admins: core/src/embed).
 */
const OPEN: ReadonlySet<string> = new Set([
  'api/authentication',
  'api/meta',
  'api/embed-sessions',
  // core/src/embed: a socket's sign-in with an embed session, and order tracking links (the
  // signer must be able to read the order; the view is opened by its signed token)
  'api/embed-realtime',
  'api/order-tracking-links',
  'api/order-tracking',
])

/**
 * The permission layer's action guard (`app.get('actionGuard')`): decides a record action
 * (`POST /api/orders/:id/submit`) with its permission name as the action (`orders:submit`) on the
 * record as the action layer locked it, inside the action's transaction; the record must lie
 * inside the grant's rows (else 404, as missing), tested on the locked row — no second read.
 * @example app.set('actionGuard', actionGuard(app))
 */
export function actionGuard(app: PlumeApp): ActionGuard {
  const decide = ({ entity, action, user, record, data }: GuardRequest) => {
    const fact = callerOf({ user }, action.permission, entity.name)
    const engine = engineOf(app)
    const needs = engine.needs(entity.name, action.permission)
    const d = engine.decide(entity.name, action.permission, fact, {
      ...(needs.data ? { data } : {}),
      ...(needs.record ? { record } : {}),
    })
    const inRows = d.allowed && (!d.filters || d.filters.some((f) => matchesRow(entity, record, f)))
    return { d, inRows }
  }
  return {
    authorize(request) {
      const { d, inRows } = decide(request)
      if (!d.allowed) throw forbid(d, request.action.permission, request.entity.name)
      if (!inRows) throw new NotFound(`No ${request.entity.name} with id ${String(request.record.id)}`)
    },
    allows(request) {
      try {
        return decide(request).inRows
      } catch {
        return false
      }
    },
  }
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
