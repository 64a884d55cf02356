import { MethodNotAllowed, NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { callerPartner, isInternal, type ServiceParams } from '../context.js'

/**
 * The conversation is a record: clients do not edit or delete messages (405). Partner users
 * never see internal notes: their queries are narrowed to `internal = false` and an internal
 * note read by id is "not found".
 * @example hooks: { ticketMessage: { find: [guardMessages()], get: [guardMessages()], patch: [guardMessages()], … } }
 */
export const guardMessages = () => async (context: HookContext, next: NextFunction) => {
  if (isInternal(context.params) || !context.params.provider) return next()
  if (context.method === 'patch' || context.method === 'update' || context.method === 'remove')
    throw new MethodNotAllowed('Ticket messages cannot be changed or deleted; add a new message')
  if (!callerPartner(context.params as ServiceParams)) return next()
  if (context.method === 'find') context.params.query = { ...(context.params.query ?? {}), internal: false }
  await next()
  if (context.method === 'get' && (context.result as { internal?: boolean } | undefined)?.internal)
    throw new NotFound(`No ticketMessage with id ${String(context.id)}`)
}
