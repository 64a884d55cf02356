import type { AuthRuntime } from './runtime.js'
import type { SessionCache } from './session.js'

/** The settings authentication keeps on the app. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    auth?: AuthRuntime
    sessions?: SessionCache
  }
}
