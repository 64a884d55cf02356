import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'

/**
 * For records a plugin writes itself (ledgers, costs, credit holds): clients read them, never
 * write them — an external create, update, patch or remove answers 405; in-process writes pass.
 * @example hooks: { creditHold: { create: [systemOnly()], patch: [systemOnly()] } }
 */
export const systemOnly = () => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider)
    throw new MethodNotAllowed(
      `${context.path.replace(/^api\//, '')} are written by the system; clients can only read them`,
    )
  return next()
}
