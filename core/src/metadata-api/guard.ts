/** Who may use the run-time metadata API: signed-in administrators, and only what the permission rules grant them. */
import { Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { requireAuth } from '../auth/setup.js'
import { clientSafeErrors } from '../app/hooks.js'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import { callerOf, engineOf, forbid } from '../permissions/hooks.js'
import { localizedErrors } from './messages.js'

/** The permission resource of every metadata route: rules name it in `entities`. */
export const METADATA_RESOURCE = 'entityDefinitions'

/**
 * External calls need the `admin` role and a rule allowing `action` (a service method, or
 * `preview` / `apply` / `versions` / `rollback` / `snapshot` / `diff`) on `entityDefinitions`.
 * @example app.service('api/entity-definitions/:name/apply').hooks({ around: { all: metadataGuard(app, 'apply') } })
 */
export function metadataGuard(app: PlumeApp, action?: string): AroundHook[] {
  const check = async (context: HookContext, next: NextFunction) => {
    if (!context.params.provider) return next()
    const act = action ?? context.method
    const user = callerOf(context.params, act, METADATA_RESOURCE)
    if (!user.roles.includes('admin'))
      throw new Forbidden(`Only administrators may ${act} entity definitions`, {
        action: act,
        entity: METADATA_RESOURCE,
      })
    const d = engineOf(app).decide(METADATA_RESOURCE, act, user)
    if (!d.allowed) throw forbid(d, act, METADATA_RESOURCE)
    return next()
  }
  return [clientSafeErrors(), localizedErrors(), requireAuth(), check]
}
