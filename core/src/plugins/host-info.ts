import { FeathersError } from '@feathersjs/errors'
import type { PlumeApp } from '../kernel/types.js'
import { actionPath } from './actions.js'
import type { LoadedPlugin } from './load.js'

/** What `api/plugins` lists for one plugin. */
export interface PluginInfo {
  name: string
  version: string
  installedVersion: string | null
  enabled: boolean
  dependsOn: string[]
  error: string | null
  description: PluginDescription
  entities: string[]
  actions: Array<{ entity: string; name: string; path: string }>
  services: string[]
  /** Shipped rules whose new copy an upgrade did not apply because an admin had edited them. */
  ruleConflicts: string[]
}

type PluginDescription = LoadedPlugin['def']['description'] | null

/** A plugin as `api/plugins` shows it: its definition, whether it runs, its last error. */
export function describePlugin(
  app: PlumeApp,
  state: { plugin: LoadedPlugin; active: boolean; error: string | null; ruleConflicts: string[] },
  installedVersion: string | null,
): PluginInfo {
  const { plugin } = state
  const def = plugin.def
  return {
    name: plugin.name,
    version: def.version,
    installedVersion,
    enabled: state.active,
    dependsOn: plugin.dependsOn,
    error: state.error,
    description: def.description ?? null,
    entities: plugin.owns,
    actions: Object.entries(def.actions ?? {}).flatMap(([entity, actions]) => {
      const e = app.get('entities').get(entity)
      return Object.keys(actions).map((a) => ({ entity, name: a, path: e ? actionPath(e, a) : '' }))
    }),
    services: Object.keys(def.services ?? {}),
    ruleConflicts: state.ruleConflicts,
  }
}

/** The message kept for a failed plugin: a plugin's own message, never SQL or a stack. */
export function publicMessage(err: unknown): string {
  if (err instanceof FeathersError) return err.message
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return `database error ${code}`
  return err instanceof Error ? err.message : String(err)
}
