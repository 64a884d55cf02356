import type { AutomationEngine } from './engine.js'

/** The automation layer's settings: the engine that runs alert and automation rules, and how plugins hand it theirs. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    automation?: AutomationEngine
    /**
     * Called by the plugin host: a plugin's alert rules stored (upgraded when the shipped copy
     * changed) and run (active) or left out; answers the rules kept as an admin edited them.
     */
    registerPluginAlerts?: (plugin: string, rules: unknown[], active: boolean) => Promise<string[]>
  }
}
