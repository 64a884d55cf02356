/**
 * The plugin host: lifecycle, hooks, and run-time enable/disable. Next to it: what it lists
 * (host-info.ts), how it migrates a plugin's tables (host-migrate.ts), what it mounts
 * (host-mount.ts), the context and registrations of a plugin (host-context.ts), its state (host-state.ts)
 * and what it answers about the plugins (host-view.ts).
 */
import { Conflict, NotFound } from '@feathersjs/errors'
import type { Logger } from 'pino'
import type { PlumeApp } from '../kernel/types.js'
import type { ActionInfo } from './actions.js'
import type { HookSource } from './dispatch.js'
import type { LoadedPlugin } from './load.js'
import { pluginContext, seedPlugins, unregisterAll } from './host-context.js'
import { publicMessage, type PluginInfo } from './host-info.js'
import { migratePlugin } from './host-migrate.js'
import { mountPlugin, unmountEntities, unmountPlugin } from './host-mount.js'
import { activateAlerts, activateRules } from './host-rules.js'
import type { PluginState } from './host-state.js'
import { PluginHostView } from './host-view.js'
import { ensurePluginTables, readPluginRecords, savePluginRecord } from './store.js'
import type { PluginContext } from './types.js'

export type { PluginInfo } from './host-info.js'

export type { PluginState } from './host-state.js'

/**
 * Runs plugins on one app. Created by the platform; `app.get('plugins')` returns it.
 * @example const host = new PluginHost(app, await loadPlugins()); await host.start({ demo: false })
 */
export class PluginHost extends PluginHostView implements HookSource {
  private queue: Promise<unknown> = Promise.resolve()
  private readonly logger: Logger
  private demo = false
  /** The stored `enabled` flag of each plugin as this instance last wrote or followed it. */
  private followed = new Map<string, boolean>()
  /** While `start` mounts plugins: permission rules are reloaded once at its end, not per plugin. */
  private starting = false
  /** The actions of each entity (`app.get('actions')`). */
  private readonly actions = new Map<string, ActionInfo[]>()

  constructor(app: PlumeApp, /** In dependency order. */ plugins: readonly LoadedPlugin[]) {
    super(app, plugins)
    this.logger = app.get('logger')
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
          await unmountEntities(this.app, plugin)
          await activateAlerts(this.app, state, false)
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
    await activateAlerts(this.app, state, false)
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
    return pluginContext(this.app, this.logger, this.states, plugin)
  }

  private unregister(state: PluginState): void {
    unregisterAll(this.logger, state)
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
      await activateRules(this.app, state, !this.starting)
      await activateAlerts(this.app, state, true)
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
    await activateRules(this.app, state, !this.starting)
    await activateAlerts(this.app, state, true)
    state.error = null
    this.hookCache.clear()
    await this.save(name, { enabled: true, error: null })
  }

  private mount(state: PluginState, ctx: PluginContext): void {
    mountPlugin(this.app, this.actions, state, ctx)
  }

  private async unmount(state: PluginState): Promise<void> {
    await unmountPlugin(this.app, this.actions, state, !this.starting)
  }

  private async seed(plugins: readonly LoadedPlugin[]): Promise<void> {
    await seedPlugins(this.app, this.logger, this.states, plugins, this.demo)
  }
}
