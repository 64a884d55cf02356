/** Everything known about the plugins before the database opens: definitions, order, sources. */
import type { EntitySource } from '@plume/metadata'
import { findPlugins, PLUGINS_DIR, type FoundPlugin } from './discover.js'
import { orderPlugins } from './order.js'
import { assertOwnedReferences } from './ownership.js'
import {
  ownedEntityNames,
  pluginAdmin,
  pluginAlertRules,
  pluginEntitySources,
  pluginGrants,
  pluginMigrations,
} from './sources.js'
import type { PluginDefinition, PluginMigration } from './types.js'

/** A plugin ready for the host: its definition and what it brings. */
export interface LoadedPlugin {
  name: string
  def: PluginDefinition
  dependsOn: string[]
  found: FoundPlugin
  entitySources: EntitySource[]
  /** Entities the plugin defines (their services come and go with it). */
  owns: string[]
  migrations: PluginMigration[]
  /** Its dashboard cards (the admin UI lists them while it is enabled). */
  admin: NonNullable<PluginDefinition['admin']>
  /** Its alert and automation rules (run while it is enabled). */
  alerts: unknown[]
  /** Its permission rules: `rules` of the definition and the package's `rules/grants.json` (applied while it is enabled). */
  grants: unknown[]
}

export interface LoadPluginsOptions {
  /** Explicit plugins: definitions, module paths or npm package names. */
  plugins?: ReadonlyArray<PluginDefinition | string>
  /** Folders of plugin packages; default `[<repo>/plugins]`. */
  pluginDirs?: readonly string[]
  /**
   * Comma-separated plugins to run (`PLUME_PLUGINS`): names of folder plugins (the others are
   * not run) and npm package names or paths, loaded from the working directory.
   */
  only?: string
}

/**
 * Discovers, loads and orders the plugins; throws on a cycle, a missing dependency, a duplicate
 * name, a module that exports no definition, or an entity file referring to an entity of a
 * plugin it does not depend on.
 * @example const plugins = await loadPlugins({ plugins: ['plume-plugin-hello'] })
 */
export async function loadPlugins(opts: LoadPluginsOptions = {}): Promise<LoadedPlugin[]> {
  const only = opts.only?.trim()
    ? new Set(
        opts.only
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
    : undefined
  const found = await findPlugins({ dirs: opts.pluginDirs ?? [PLUGINS_DIR], explicit: opts.plugins, only })
  const loaded: LoadedPlugin[] = []
  for (const f of found) {
    const entitySources = pluginEntitySources(f)
    loaded.push({
      name: f.def.name,
      def: f.def,
      dependsOn: [...(f.def.dependsOn ?? [])],
      found: f,
      entitySources,
      owns: ownedEntityNames(entitySources),
      migrations: await pluginMigrations(f),
      admin: pluginAdmin(f),
      alerts: pluginAlertRules(f),
      grants: pluginGrants(f),
    })
  }
  const ordered = orderPlugins(loaded)
  assertOwnedReferences(ordered)
  return ordered
}
