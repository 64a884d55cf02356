import type { HookContext, NextFunction } from '@feathersjs/feathers'

/** An around hook as Plume writes them: small factories returning `(context, next) => …`. */
export type AroundHook = (context: HookContext, next: NextFunction) => Promise<unknown>
