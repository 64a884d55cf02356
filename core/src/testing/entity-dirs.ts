/** Entity folders for a platform started without plugins. */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ENTITIES_DIR } from '@plume/metadata'
import { PLUGINS_DIR } from '../plugins/discover.js'
import { grantsIn } from '../plugins/sources.js'
import type { PluginDefinition } from '../plugins/types.js'

/**
 * The core entities and every built-in plugin's `entities/` folder: for a suite that starts
 * the platform with `pluginDirs: []` (no plugin behaviour) but needs the domain tables and
 * their generic services — customers, orders, products … which the plugins own.
 * @example await startTestPlatform({ pluginDirs: [], entityDirs: builtInEntityDirs() })
 */
export function builtInEntityDirs(): string[] {
  const dirs = pluginFolders()
    .map((d) => join(d, 'entities'))
    .filter((d) => existsSync(d))
  return [ENTITIES_DIR, ...dirs]
}

const pluginFolders = (): string[] =>
  readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(PLUGINS_DIR, d.name))
    .sort()

/**
 * A plugin carrying only the grants of every built-in plugin (`plugins/<name>/rules/grants.json`):
 * beside `builtInEntityDirs()` it gives a platform started without plugins the default permissions
 * on those entities. Grants naming an entity or service the platform lacks are left out (logged).
 * @example await startTestPlatform({ pluginDirs: [], entityDirs: builtInEntityDirs(), plugins: [builtInGrants()] })
 */
export function builtInGrants(): PluginDefinition {
  return { name: 'built-in-grants', version: '1.0.0', rules: pluginFolders().flatMap((d) => grantsIn(d)) }
}
