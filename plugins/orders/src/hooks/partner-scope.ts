import { NotFound } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { callerPartner } from './context.js'

/**
 * A partner user reads only their partner's orders (a second line of defence behind the
 * permission rules): find is narrowed to `partnerId`, get of another partner's order is 404.
 * @example hooks: { order: { find: [partnerScope()], get: [partnerScope()] } }
 */
export const partnerScope = () => async (context: HookContext, next: NextFunction) => {
  const partnerId = callerPartner(context)
  if (!partnerId) return next()
  if (context.method === 'find') {
    context.params = { ...context.params, query: { ...(context.params.query ?? {}), partnerId } }
    return next()
  }
  await next()
  const row = context.result as { partnerId?: number | null } | undefined
  if (row && row.partnerId !== partnerId) throw new NotFound(`No order with id ${String(context.id)}`)
}
