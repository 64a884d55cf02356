import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'

/**
 * Records the plugin writes itself (redemptions): clients read them, never write them.
 * @example hooks: { promotionRedemption: { create: [systemOnly()], patch: [systemOnly()] } }
 */
export const systemOnly = () => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider) throw new MethodNotAllowed(`${context.path.replace(/^api\//, '')} are written by the system; clients can only read them`)
  return next()
}
