/** What the plugin host keeps of each plugin while it runs (split out of host.ts). */
import type { LoadedPlugin } from './load.js'
import type { Unregister } from './types.js'

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
