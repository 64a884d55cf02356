/** The one around hook per entity service through which enabled plugins' hooks run. */
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { PluginHook } from './types.js'

/** What the dispatcher asks the plugin host (`app.get('plugins')`). */
export interface HookSource {
  /** Hooks of enabled plugins for an entity and method, in dependency order. */
  hooksFor(entity: string, method: string): readonly PluginHook[]
}

const isHookSource = (v: unknown): v is HookSource =>
  typeof (v as HookSource | undefined)?.hooksFor === 'function'

/** Whether enabled plugins have hooks on `method` of `entity` right now. */
export const hasPluginHooks = (source: unknown, entity: string, method: string): boolean =>
  isHookSource(source) && source.hooksFor(entity, method).length > 0

/**
 * Runs the hooks of the plugins that are enabled right now, so disabling a plugin removes its
 * hooks at once (hooks registered on a Feathers service could not be taken off again).
 * @example app.service('api/orders').hooks({ around: { all: [pluginHooks('order')] } })
 */
export const pluginHooks = (entity: string) => async (context: HookContext, next: NextFunction) => {
  const source: unknown = context.app.get('plugins')
  const hooks = isHookSource(source) ? source.hooksFor(entity, context.method) : []
  if (hooks.length === 0) return next()
  const run = async (i: number): Promise<void> => {
    const hook = hooks[i]
    if (!hook) {
      await next()
      return
    }
    await hook(context, () => run(i + 1))
  }
  await run(0)
}
