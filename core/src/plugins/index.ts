/**
 * The plugin host. A plugin is a folder the core discovers (`plugins/<name>/`), a module path or
 * npm package, or a definition passed in; see docs/plugins.md.
 */
import type { PlumeApp } from '../kernel/types.js'
import { msFromEnv, whileRunning } from '../app/background.js'
import { mountPluginAdmin } from './admin-service.js'
import { PluginHost } from './host.js'
import type { LoadedPlugin } from './load.js'

export { definePlugin } from './types.js'
export type * from './types.js'
export { PluginHost, type PluginInfo } from './host.js'
export { loadPlugins, type LoadedPlugin, type LoadPluginsOptions } from './load.js'
export { PLUGINS_DIR, PluginLoadError, loadPluginModule, type FoundPlugin } from './discover.js'
export { orderPlugins, dependentsOf, PluginDependencyError } from './order.js'
export { pluginHooks, type HookSource } from './dispatch.js'
export { PLUGINS_PATH, PluginAdminService } from './admin-service.js'
export type { ActionInfo, ActionCall, ActionGuard, GuardRequest } from './actions.js'
export { runAction, type RunAction } from './run-action.js'
export {
  allowedActions,
  allowedActionsPath,
  type AllowedAction,
  type AllowedActions,
} from './allowed-actions.js'
export { unmountService } from './mount.js'
export {
  createDemoUsers,
  demoLogins,
  firstUserWithRole,
  type DemoUser,
  type DemoLogin,
} from './demo-users.js'
export { PLUGINS_TABLE, PLUGIN_MIGRATIONS_TABLE } from './store.js'

/**
 * Starts the plugins on an app (after migrations and services), mounts `api/plugins`.
 * @example await startPlugins(app, await loadPlugins(), { demo: true })
 */
export async function startPlugins(
  app: PlumeApp,
  plugins: readonly LoadedPlugin[],
  opts: { demo?: boolean } = {},
): Promise<PluginHost> {
  const host = new PluginHost(app, plugins)
  await host.start(opts)
  mountPluginAdmin(app, host)
  // switches made through other instances on the same database are followed here
  whileRunning(
    app,
    'plume-plugin-sync',
    msFromEnv('PLUME_PLUGINS_SYNC_MS', 2000),
    () => host.followStore(),
    (err) => app.get('logger').warn({ err: (err as Error).message }, 'plugins: following the store failed'),
  )
  return host
}
