/**
 * What the plugin host mounts for a plugin and takes down again (split out of host.ts): its
 * entity services, actions (with their allowed-actions services) and custom services.
 */
import { servicePath } from '../kernel/paths.js'
import type { PlumeApp } from '../kernel/types.js'
import { actionInfo, actionService, serviceChain, type ActionInfo } from './actions.js'
import { mountAllowedActions, unmountAllowedActions } from './allowed-actions.js'
import type { PluginState } from './host-state.js'
import type { LoadedPlugin } from './load.js'
import { unmountService } from './mount.js'
import type { PluginContext } from './types.js'

/** Mounts a plugin's entities, actions and services; the paths mounted go to `state.mounted`. */
export function mountPlugin(
  app: PlumeApp,
  actions: Map<string, ActionInfo[]>,
  state: PluginState,
  ctx: PluginContext,
): void {
  const { plugin } = state
  const entities = app.get('entities')
  const mountEntity = app.get('mountEntity')
  if (!mountEntity) throw new Error('the app mounts no entity services: create it with createApp')
  const entityOf = (name: string, what: string) => {
    const e = entities.get(name)
    if (!e) throw new Error(`${what} for unknown entity "${name}"`)
    return e
  }
  for (const name of Object.keys(plugin.def.hooks ?? {})) entityOf(name, 'hooks')
  for (const name of plugin.owns) {
    const e = entityOf(name, 'entity service')
    if (!(servicePath(e) in app.services)) mountEntity(e)
  }
  for (const [entityName, defs] of Object.entries(plugin.def.actions ?? {})) {
    const entity = entityOf(entityName, 'actions')
    for (const [action, def] of Object.entries(defs)) {
      const info = actionInfo(plugin.name, entity, action, def)
      if (info.path in app.services) throw new Error(`action ${info.path} is already defined`)
      app.use(info.path, actionService(app, entity, info, def), { methods: ['create'], events: [] })
      app.service(info.path).hooks({ around: { all: serviceChain(app, 'actionHooks', info) } })
      state.mounted.push(info.path)
      actions.set(entityName, [...(actions.get(entityName) ?? []), info])
    }
    if (Object.keys(defs).length > 0) mountAllowedActions(app, entity)
  }
  for (const [path, factory] of Object.entries(plugin.def.services ?? {})) {
    const location = path.replace(/^\/+|\/+$/g, '')
    if (location in app.services) throw new Error(`service ${location} is already defined`)
    app.use(location, factory(ctx) as never)
    app.service(location).hooks({ around: { all: serviceChain(app, 'serviceHooks') } })
    state.mounted.push(location)
  }
}

/** Takes down what `mountPlugin` mounted; `reload`: reload the permission rules after (not while starting). */
export async function unmountPlugin(
  app: PlumeApp,
  actions: Map<string, ActionInfo[]>,
  state: PluginState,
  reload: boolean,
): Promise<void> {
  for (const [entity, list] of actions) {
    const kept = list.filter((a) => a.plugin !== state.plugin.name)
    if (kept.length > 0) actions.set(entity, kept)
    else actions.delete(entity)
  }
  await unmountAllowedActions(app)
  for (const path of state.mounted.reverse()) await unmountService(app, path)
  state.mounted = []
  await unmountEntities(app, state.plugin)
  // its grants go with it (it is inactive now): the rules naming its entities or services wait until it is back
  if (reload) await app.get('reloadPermissions')?.()
}

/** Unmounts the entity services a plugin owns (their data stays). */
export async function unmountEntities(app: PlumeApp, plugin: LoadedPlugin): Promise<void> {
  for (const name of plugin.owns) {
    const e = app.get('entities').get(name)
    if (e) await unmountService(app, servicePath(e))
  }
}
