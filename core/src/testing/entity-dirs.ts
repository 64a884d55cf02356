/** Entity folders for a platform started without plugins. */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ENTITIES_DIR } from '@plume/metadata'
import { PLUGINS_DIR } from '../plugins/discover.js'

/**
 * The core entities and every built-in plugin's `entities/` folder: for a suite that starts
 * the platform with `pluginDirs: []` (no plugin behaviour) but needs the domain tables and
 * their generic services — customers, orders, products … which the plugins own.
 * @example await startTestPlatform({ pluginDirs: [], entityDirs: builtInEntityDirs() })
 */
export function builtInEntityDirs(): string[] {
  const dirs = readdirSync(PLUGINS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(PLUGINS_DIR, d.name, 'entities'))
    .filter((d) => existsSync(d))
    .sort()
  return [ENTITIES_DIR, ...dirs]
}
