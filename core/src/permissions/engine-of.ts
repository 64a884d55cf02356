import { Forbidden } from '@feathersjs/errors'
import type { PlumeApp } from '../kernel/types.js'
import type { PermissionEngine } from './engine.js'

/** The engine set up by `setupPermissions`; refuses (403) when permissions are not set up. */
export function engineOf(app: PlumeApp): PermissionEngine {
  const engine = app.get('permissionEngine')
  if (!engine) throw new Forbidden('Permissions are not set up')
  return engine
}
