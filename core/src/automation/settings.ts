import type { AutomationEngine } from './engine.js'

/** The automation layer's setting: the engine that runs alert and automation rules. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    automation?: AutomationEngine
  }
}
