/**
 * The context a plugin's lifecycle functions receive, and the registrations it makes through
 * other plugins' APIs (`ctx.register`), removed again when it goes (split out of host.ts).
 */
import type { Logger } from 'pino'
import type { PlumeApp } from '../kernel/types.js'
import { demoLoginLines } from './demo-users.js'
import type { PluginState } from './host-state.js'
import type { LoadedPlugin } from './load.js'
import type { PluginContext, Unregister } from './types.js'

/** The context handed to a plugin's lifecycle functions; `states` holds every plugin's state. */
export function pluginContext(
  app: PlumeApp,
  logger: Logger,
  states: ReadonlyMap<string, PluginState>,
  plugin: LoadedPlugin,
): PluginContext {
  return {
    app,
    knex: app.get('db').knex,
    logger: logger.child({ plugin: plugin.name }),
    entities: app.get('entities'),
    use: <T = unknown>(dep: string): T => {
      if (!plugin.dependsOn.includes(dep))
        throw new Error(`Plugin "${plugin.name}" uses "${dep}" without declaring it in dependsOn`)
      const state = states.get(dep)
      if (!state?.active) throw new Error(`Plugin "${dep}" is not enabled`)
      return state.api as T
    },
    register: (add: () => Unregister) => {
      const remove = add()
      if (typeof remove !== 'function')
        throw new Error(`Plugin "${plugin.name}": ctx.register(add) needs add() to return its remover`)
      const state = states.get(plugin.name)
      if (!state) throw new Error(`unknown plugin ${plugin.name}`)
      state.registered.push(remove)
    },
  }
}

/** Removes what a plugin registered through other plugins' APIs (newest first). */
export function unregisterAll(logger: Logger, state: PluginState): void {
  for (const remove of state.registered.splice(0).reverse()) {
    try {
      remove()
    } catch (err) {
      logger.warn(
        { err, plugin: state.plugin.name },
        `plugin ${state.plugin.name}: removing a registration failed`,
      )
    }
  }
}

/** Seeds the demo data of the plugins given that are active (`demo` only), then logs the demo logins. */
export async function seedPlugins(
  app: PlumeApp,
  logger: Logger,
  states: ReadonlyMap<string, PluginState>,
  plugins: readonly LoadedPlugin[],
  demo: boolean,
): Promise<void> {
  for (const plugin of plugins) {
    const state = states.get(plugin.name)
    if (!state) continue
    state.justInstalled = false
    if (!demo || !state.active || !plugin.def.seed) continue
    try {
      await plugin.def.seed(pluginContext(app, logger, states, plugin))
      logger.info(`plugin ${plugin.name}: demo data seeded`)
    } catch (err) {
      logger.error({ err, plugin: plugin.name }, `plugin ${plugin.name}: seed failed`)
    }
  }
  for (const line of demoLoginLines(app)) logger.warn(line)
}
