import type { ActionInfo } from './actions.js'
import type { PluginHost } from './host.js'

/** The settings the plugin host keeps on the app. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    plugins?: PluginHost
    /** The actions of each entity (by entity name), for the admin UI and OpenAPI. */
    actions?: Map<string, ActionInfo[]>
  }
}
