import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'

/**
 * Records the plugin writes itself (credit holds, risk assessments): clients read them, never write them.
 * @example hooks: { creditHold: { create: [systemOnly()], patch: [systemOnly()] } }
 */
export const systemOnly = () => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider) throw new MethodNotAllowed(`${context.path.replace(/^api\//, '')} are written by the system; clients can only read them`)
  return next()
}
