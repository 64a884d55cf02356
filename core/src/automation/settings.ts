import type { AutomationEngine } from './engine.js'

/** The automation layer's settings: the engine that runs alert and automation rules, and how plugins hand it theirs. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    automation?: AutomationEngine
    /** Called by the plugin host: a plugin's alert rules stored and run (active) or left out. */
    registerPluginAlerts?: (plugin: string, rules: unknown[], active: boolean) => Promise<void>
  }
}
