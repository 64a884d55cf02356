/**
 * The plugin host: lifecycle, hooks, mounting, and run-time enable/disable. What it lists
 * (host-info.ts) and how it migrates a plugin's tables (host-migrate.ts) sit next to it.
 */
import { Conflict, NotFound } from '@feathersjs/errors'
import type { Logger } from 'pino'
import { servicePath } from '../kernel/paths.js'
import type { PlumeApp } from '../kernel/types.js'
import { actionInfo, actionService, serviceChain, type ActionInfo } from './actions.js'
import { mountAllowedActions, unmountAllowedActions } from './allowed-actions.js'
import type { HookSource } from './dispatch.js'
import { demoLoginLines } from './demo-users.js'
import type { LoadedPlugin } from './load.js'
import { unmountService } from './mount.js'
import { describePlugin, publicMessage, type PluginInfo } from './host-info.js'
import { migratePlugin } from './host-migrate.js'
import { ensurePluginTables, readPluginRecords, savePluginRecord, type PluginRecord } from './store.js'
import type { PluginContext, PluginHook, Unregister } from './types.js'

export type { PluginInfo } from './host-info.js'

export interface PluginState {
  plugin: LoadedPlugin
  active: boolean
  api: unknown
  error: string | null
  /** Paths of actions and custom services mounted for the plugin. */
  mounted: string[]
  /** Removers of what it registered through other plugins' APIs (`ctx.register`). */
  registered: Unregister[]
  /** Its shipped rules whose new copy was not applied: an admin had edited them. */
  ruleConflicts: string[]
  justInstalled: boolean
}

/**
 * Runs plugins on one app. Created by the platform; `app.get('plugins')` returns it.
 * @example const host = new PluginHost(app, await loadPlugins()); await host.start({ demo: false })
 */
export class PluginHost implements HookSource {
  private readonly states = new Map<string, PluginState>()
  private records = new Map<string, PluginRecord>()
  private hookCache = new Map<string, PluginHook[]>()
  private queue: Promise<unknown> = Promise.resolve()
  private readonly logger: Logger
  private demo = false
  /** The stored `enabled` flag of each plugin as this instance last wrote or followed it. */
  private followed = new Map<string, boolean>()
  /** While `start` mounts plugins: permission rules are reloaded once at its end, not per plugin. */
  private starting = false
  /** The actions of each entity (`app.get('actions')`). */
  private readonly actions = new Map<string, ActionInfo[]>()

  constructor(
    private readonly app: PlumeApp,
    /** In dependency order. */
    readonly plugins: readonly LoadedPlugin[],
  ) {
    this.logger = app.get('logger')
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
    app.set('plugins', this)
    app.set('actions', this.actions)
  }

  /** Installs, upgrades and sets up every plugin in order, then seeds the new ones. */
  async start(opts: { demo?: boolean } = {}): Promise<void> {
    this.demo = opts.demo ?? false
    this.starting = true
    try {
      const { knex } = this.app.get('db')
      await ensurePluginTables(knex)
      this.records = await readPluginRecords(knex)
      for (const [name, rec] of this.records) this.followed.set(name, rec.enabled)
      for (const plugin of this.plugins) {
        const state = this.state(plugin.name)
        const rec = this.records.get(plugin.name)
        // disabled by an admin (a failed plugin keeps its error and is retried on every start)
        const disabled = rec !== undefined && !rec.enabled && rec.error === null
        const blocked = plugin.dependsOn.find((d) => !this.state(d).active)
        if (disabled || blocked !== undefined) {
          await this.unmountEntities(plugin)
          await this.registerAlerts(plugin, false)
          if (!disabled && blocked !== undefined)
            await this.fail(state, new Error(`depends on "${blocked}", which is not enabled`))
          continue
        }
        try {
          await this.activate(state, rec?.enabled !== true)
        } catch (err) {
          await this.fail(state, err)
        }
      }
    } finally {
      this.starting = false
    }
    // the rules of every plugin, checked once all their services exist
    const reload = this.app.get('reloadPermissions')
    await reload?.()
    await this.seed(this.plugins.filter((p) => this.state(p.name).justInstalled))
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

  /** Enables a plugin at run time: migrations, install or upgrade, setup, `enable`, mount. */
  enable(name: string): Promise<PluginInfo> {
    return this.serial(async () => {
      const state = this.states.get(name)
      if (!state) throw new NotFound(`No plugin named "${name}"`)
      if (state.active) return this.info(name)
      const blocked = state.plugin.dependsOn.filter((d) => !this.state(d).active)
      if (blocked.length > 0)
        throw new Conflict(
          `Cannot enable "${name}": it depends on ${blocked.map((b) => `"${b}"`).join(', ')}, which ${blocked.length === 1 ? 'is' : 'are'} not enabled`,
          { reason: 'plugin-dependencies', dependsOn: blocked },
        )
      try {
        await this.activate(state, true)
      } catch (err) {
        await this.fail(state, err)
        throw new Conflict(`Plugin "${name}" could not be enabled: ${state.error ?? 'unknown error'}`)
      }
      await this.seed(state.justInstalled ? [state.plugin] : [])
      return this.info(name)
    })
  }

  /** Disables a plugin at run time; refused while an enabled plugin depends on it. Data stays. */
  disable(name: string): Promise<PluginInfo> {
    return this.serial(async () => {
      const state = this.states.get(name)
      if (!state) throw new NotFound(`No plugin named "${name}"`)
      const users = this.plugins
        .filter((p) => p.dependsOn.includes(name) && this.state(p.name).active)
        .map((p) => p.name)
      if (users.length > 0)
        throw new Conflict(`Cannot disable "${name}": enabled plugins depend on it: ${users.join(', ')}`, {
          reason: 'plugin-dependents',
          dependents: users,
        })
      const wasActive = state.active
      await this.deactivate(state)
      if (wasActive) {
        try {
          await state.plugin.def.disable?.(this.context(state.plugin))
        } catch (err) {
          this.logger.warn({ err, plugin: name }, `plugin ${name}: disable() failed`)
        }
      }
      await this.save(name, { enabled: false, error: null })
      this.logger.info(`plugin ${name} disabled`)
      return this.info(name)
    })
  }

  /** Unmounts a plugin here (its data stays). */
  private async deactivate(state: PluginState): Promise<void> {
    state.active = false
    state.api = undefined
    state.error = null
    this.hookCache.clear()
    this.unregister(state)
    await this.unmount(state)
    await this.registerAlerts(state.plugin, false)
  }

  /**
   * Follows plugin switches made through another instance: a plugin whose stored `enabled` flag
   * changed since this instance last read the store is switched here too — set up and mounted,
   * or unmounted — without its `enable`/`disable` functions (they ran where the switch was made).
   * The timer in `startPlugins` calls it every `PLUME_PLUGINS_SYNC_MS`. Answers what it switched.
   */
  followStore(): Promise<string[]> {
    return this.serial(async () => {
      const stored = await readPluginRecords(this.app.get('db').knex)
      this.records = stored
      const previous = new Map(this.followed)
      for (const [name, rec] of stored) this.followed.set(name, rec.enabled)
      const turned = (name: string, on: boolean) =>
        previous.get(name) === !on && stored.get(name)?.enabled === on
      const switched: string[] = []
      for (const p of [...this.plugins].reverse()) {
        const state = this.state(p.name)
        if (!turned(p.name, false) || !state.active) continue
        if (this.plugins.some((d) => d.dependsOn.includes(p.name) && this.state(d.name).active)) continue
        await this.deactivate(state)
        switched.push(p.name)
        this.logger.info(`plugin ${p.name} disabled (switched through another instance)`)
      }
      for (const p of this.plugins) {
        const state = this.state(p.name)
        if (!turned(p.name, true) || state.active || !p.dependsOn.every((d) => this.state(d).active)) continue
        try {
          await this.activate(state, false, true)
          switched.push(p.name)
          this.logger.info(`plugin ${p.name} enabled (switched through another instance)`)
        } catch (err) {
          await this.deactivate(state)
          state.error = (err as Error).message
          this.logger.error(
            { err, plugin: p.name },
            `plugin ${p.name} could not follow the switch made through another instance`,
          )
        }
      }
      return switched
    })
  }

  /** The context handed to a plugin's lifecycle functions. */
  context(plugin: LoadedPlugin): PluginContext {
    const { app } = this
    return {
      app,
      knex: app.get('db').knex,
      logger: this.logger.child({ plugin: plugin.name }),
      entities: app.get('entities'),
      use: <T = unknown>(dep: string): T => {
        if (!plugin.dependsOn.includes(dep))
          throw new Error(`Plugin "${plugin.name}" uses "${dep}" without declaring it in dependsOn`)
        const state = this.states.get(dep)
        if (!state?.active) throw new Error(`Plugin "${dep}" is not enabled`)
        return state.api as T
      },
      register: (add: () => Unregister) => {
        const remove = add()
        if (typeof remove !== 'function')
          throw new Error(`Plugin "${plugin.name}": ctx.register(add) needs add() to return its remover`)
        this.state(plugin.name).registered.push(remove)
      },
    }
  }

  /** Removes what a plugin registered through other plugins' APIs (newest first). */
  private unregister(state: PluginState): void {
    for (const remove of state.registered.splice(0).reverse()) {
      try {
        remove()
      } catch (err) {
        this.logger.warn(
          { err, plugin: state.plugin.name },
          `plugin ${state.plugin.name}: removing a registration failed`,
        )
      }
    }
  }

  private state(name: string): PluginState {
    const s = this.states.get(name)
    if (!s) throw new Error(`unknown plugin ${name}`)
    return s
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  private async save(
    name: string,
    change: { version?: string | null; enabled: boolean; error: string | null },
  ): Promise<void> {
    const version = change.version !== undefined ? change.version : (this.records.get(name)?.version ?? null)
    await savePluginRecord(this.app.get('db').knex, {
      name,
      version,
      enabled: change.enabled,
      error: change.error,
    })
    this.followed.set(name, change.enabled)
    this.records = await readPluginRecords(this.app.get('db').knex)
  }

  private async fail(state: PluginState, err: unknown): Promise<void> {
    const name = state.plugin.name
    state.active = false
    state.api = undefined
    state.error = publicMessage(err)
    state.justInstalled = false
    this.hookCache.clear()
    this.unregister(state)
    await this.unmount(state)
    this.logger.error({ err, plugin: name }, `plugin ${name} failed and stays disabled: ${state.error}`)
    await this.save(name, { enabled: false, error: state.error })
  }

  /**
   * Pending migrations, install or upgrade, setup, `enable` (when switching on), mount.
   * `followed`: the switch was made through another instance — its lifecycle functions ran
   * there and the store already says so: here it is set up and mounted only.
   */
  private async activate(state: PluginState, switchingOn: boolean, followed = false): Promise<void> {
    const { plugin } = state
    const { def, name } = plugin
    const ctx = this.context(plugin)
    const installed = this.records.get(name)?.version ?? null
    await migratePlugin(this.logger, plugin, ctx)
    // what an earlier setup registered goes first: each registration exists once
    this.unregister(state)
    if (followed) {
      state.api = await def.setup?.(ctx)
      this.mount(state, ctx)
      // active first: the permission reload then counts its grants in
      state.active = true
      await this.registerRules(name, plugin.grants)
      await this.registerAlerts(plugin, true)
      state.error = null
      this.hookCache.clear()
      return
    }
    if (installed === null) {
      await def.install?.(ctx)
      state.justInstalled = true
      this.logger.info(`plugin ${name} ${def.version} installed`)
    } else if (installed !== def.version) {
      await def.upgrade?.(ctx, installed)
      this.logger.info(`plugin ${name} upgraded from ${installed} to ${def.version}`)
    }
    // the version is recorded now, so a failing setup does not install or upgrade twice
    await this.save(name, {
      version: def.version,
      enabled: false,
      error: this.records.get(name)?.error ?? null,
    })
    state.api = await def.setup?.(ctx)
    if (switchingOn) await def.enable?.(ctx)
    this.mount(state, ctx)
    // the plugin's permission rules are data: seeded once into the rule store, like the defaults;
    // with or without rules of its own, stored rules naming its services apply from now on
    state.active = true
    await this.registerRules(name, plugin.grants)
    await this.registerAlerts(plugin, true)
    state.error = null
    this.hookCache.clear()
    await this.save(name, { enabled: true, error: null })
  }

  /** The plugin's alert rules: stored once and run while it is active, left out while it is not. */
  private async registerAlerts(plugin: LoadedPlugin, active: boolean): Promise<void> {
    const register = this.app.get('registerPluginAlerts')
    if (!register || plugin.alerts.length === 0) return
    const conflicts = await register(plugin.name, plugin.alerts, active)
    if (active) this.state(plugin.name).ruleConflicts.push(...conflicts)
  }

  private async registerRules(name: string, rules: unknown[] | undefined): Promise<void> {
    const register = this.app.get('registerPluginRules')
    if (register)
      this.state(name).ruleConflicts = await register(`plugin:${name}`, rules ?? [], {
        reload: !this.starting,
      })
  }

  private mount(state: PluginState, ctx: PluginContext): void {
    const { app } = this
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
    const { actions } = this
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

  private async unmount(state: PluginState): Promise<void> {
    const { actions } = this
    for (const [entity, list] of actions) {
      const kept = list.filter((a) => a.plugin !== state.plugin.name)
      if (kept.length > 0) actions.set(entity, kept)
      else actions.delete(entity)
    }
    await unmountAllowedActions(this.app)
    for (const path of state.mounted.reverse()) await unmountService(this.app, path)
    state.mounted = []
    await this.unmountEntities(state.plugin)
    // its grants go with it (it is inactive now): the rules naming its entities or services wait until it is back
    if (!this.starting) await this.app.get('reloadPermissions')?.()
  }

  private async unmountEntities(plugin: LoadedPlugin): Promise<void> {
    for (const name of plugin.owns) {
      const e = this.app.get('entities').get(name)
      if (e) await unmountService(this.app, servicePath(e))
    }
  }

  private async seed(plugins: readonly LoadedPlugin[]): Promise<void> {
    for (const plugin of plugins) {
      const state = this.state(plugin.name)
      state.justInstalled = false
      if (!this.demo || !state.active || !plugin.def.seed) continue
      try {
        await plugin.def.seed(this.context(plugin))
        this.logger.info(`plugin ${plugin.name}: demo data seeded`)
      } catch (err) {
        this.logger.error({ err, plugin: plugin.name }, `plugin ${plugin.name}: seed failed`)
      }
    }
    for (const line of demoLoginLines(this.app)) this.logger.warn(line)
  }
}
