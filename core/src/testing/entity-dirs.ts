/** Entity folders for a platform started without plugins. */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { ENTITIES_DIR } from '@plume/metadata'
import { PLUGINS_DIR } from '../plugins/discover.js'
import { grantsIn } from '../plugins/sources.js'
import type { PluginDefinition } from '../plugins/types.js'
import { ruleContext } from '../permissions/resources.js'
import { seedRules } from '../permissions/store.js'
import type { PermissionRule } from '../permissions/types.js'
import { validateRule } from '../permissions/validate.js'

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

/** The grants of every built-in plugin (`plugins/<name>/rules/grants.json`), in folder order. */
export const builtInGrantRules = (): unknown[] => pluginFolders().flatMap((d) => grantsIn(d))

/**
 * A plugin carrying only the grants of every built-in plugin (`plugins/<name>/rules/grants.json`):
 * beside `builtInEntityDirs()` it gives a platform started without plugins the default permissions
 * on those entities. Grants naming an entity or service the platform lacks are left out (logged).
 * @example await startTestPlatform({ pluginDirs: [], entityDirs: builtInEntityDirs(), plugins: [builtInGrants()] })
 */
export function builtInGrants(): PluginDefinition {
  const rules = builtInGrantRules()
  // not as `rules`: a plugin's own rules must all fit (one that does not stops the plugin), these
  // are every plugin's, so only those fitting this platform are stored (record actions are not
  // declared without the plugins, so their names are not checked)
  return {
    name: 'built-in-grants',
    version: '1.0.0',
    async setup(ctx) {
      const { actions: _undeclared, ...fit } = ruleContext(ctx.app)
      const fitting = rules.filter((r) => validateRule(r, fit).length === 0)
      ctx.logger.debug(`built-in grants: ${fitting.length} of ${rules.length} fit this platform`)
      await seedRules(ctx.knex, fitting as PermissionRule[])
    },
  }
}
