/**
 * What the plugin host answers about its plugins — hooks, enabled or not, rules, listing — over
 * the state it keeps of each (split out of host.ts; `PluginHost` extends it).
 */
import { NotFound } from '@feathersjs/errors'
import type { PlumeApp } from '../kernel/types.js'
import { describePlugin, type PluginInfo } from './host-info.js'
import type { PluginState } from './host-state.js'
import type { LoadedPlugin } from './load.js'
import type { PluginRecord } from './store.js'
import type { PluginHook } from './types.js'

export class PluginHostView {
  protected readonly states = new Map<string, PluginState>()
  protected records = new Map<string, PluginRecord>()
  protected hookCache = new Map<string, PluginHook[]>()

  constructor(
    protected readonly app: PlumeApp,
    /** In dependency order. */
    readonly plugins: readonly LoadedPlugin[],
  ) {
    for (const plugin of plugins)
      this.states.set(plugin.name, {
        plugin,
        active: false,
        api: undefined,
        error: null,
        mounted: [],
        registered: [],
        ruleConflicts: [],
        justInstalled: false,
      })
  }

  /** Hooks of enabled plugins for an entity and method: per plugin `all`, then the method's. */
  hooksFor(entity: string, method: string): readonly PluginHook[] {
    const key = `${entity}\u0000${method}`
    let list = this.hookCache.get(key)
    if (!list) {
      list = []
      for (const p of this.plugins) {
        const hooks = p.def.hooks?.[entity]
        if (!hooks || !this.state(p.name).active) continue
        list.push(
          ...(hooks.all ?? []),
          ...((hooks as Record<string, PluginHook[] | undefined>)[method] ?? []),
        )
      }
      this.hookCache.set(key, list)
    }
    return list
  }

  /** Whether a plugin is set up and serving. */
  isEnabled(name: string): boolean {
    return this.states.get(name)?.active === true
  }

  /** What the plugins that are not serving would add: their entities and custom service paths. */
  inactive(): Array<{ name: string; entities: string[]; services: string[] }> {
    return this.plugins
      .filter((p) => !this.isEnabled(p.name))
      .map((p) => ({ name: p.name, entities: [...p.owns], services: Object.keys(p.def.services ?? {}) }))
  }

  /** Rules (as data) shipped by the enabled plugins. */
  rules(): unknown[] {
    return this.plugins.filter((p) => this.isEnabled(p.name)).flatMap((p) => p.grants)
  }

  list(): PluginInfo[] {
    return this.plugins.map((p) => this.info(p.name))
  }

  info(name: string): PluginInfo {
    const state = this.states.get(name)
    if (!state) throw new NotFound(`No plugin named "${name}"`)
    return describePlugin(this.app, state, this.records.get(name)?.version ?? null)
  }

  protected state(name: string): PluginState {
    const s = this.states.get(name)
    if (!s) throw new Error(`unknown plugin ${name}`)
    return s
  }
}
