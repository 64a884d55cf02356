import type { PermissionEngine } from './engine.js'
import type { RuleSync } from './sync.js'

/** The settings the permission layer keeps on the app. */
declare module '../kernel/settings.js' {
  interface PlumeSettings {
    permissionEngine?: PermissionEngine
    permissionSync?: RuleSync
    /** Re-reads the stored rules (after plugins mounted or rules changed). */
    reloadPermissions?: () => Promise<void>
    /**
     * Stores a plugin's rules (validated against this deployment, seeded once by name, upgraded when
     * the shipped copy changed); answers the rules kept as an admin edited them (conflicts).
     */
    registerPluginRules?: (source: string, rules: unknown[], opts?: { reload?: boolean }) => Promise<string[]>
  }
}
