/** Running an action in-process: the same path as `POST /api/<plural>/:id/<action>`. */
import { NotFound } from '@feathersjs/errors'
import type { PlumeApp } from '../kernel/types.js'
import { actionPath, type ActionCall, type ActionService } from './actions.js'

export interface RunAction extends ActionCall {
  /** Entity name, e.g. `order`. */
  entity: string
  id: number
  /** Action name, e.g. `release-credit-hold`. */
  action: string
  /** The body, validated against the action's `input` schema. */
  data?: Record<string, unknown>
}

const isActionService = (v: unknown): v is ActionService =>
  !!v &&
  typeof (v as Partial<ActionService>).run === 'function' &&
  typeof (v as Partial<ActionService>).create === 'function'

/**
 * Runs a declared action from inside the server exactly as REST and socket.io do: input schema,
 * lock, authorization on the locked record (for a call carrying `params.user` or
 * `params.provider`, unless `trusted`), handler, audit, `patched` event and after-commit work.
 * With `trx` it runs inside that transaction (its events and after-commit work wait for its
 * commit); otherwise in its own. 404 when the entity has no such action mounted (its plugin is
 * disabled) or the record does not exist.
 * @example await runAction(app, { entity: 'order', id: 7, action: 'cancel', data: { reason: 'Duplicate' }, params: { user } })
 */
export async function runAction<T = unknown>(app: PlumeApp, call: RunAction): Promise<T> {
  const entity = app.get('entities').get(call.entity)
  const service: unknown = entity ? app.services[actionPath(entity, call.action)] : undefined
  if (!entity || !isActionService(service)) throw new NotFound(`No action ${call.action} on ${call.entity}`)
  return (await service.run(call.id, call.data ?? {}, call)) as T
}
