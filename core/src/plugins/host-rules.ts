/**
 * What a plugin ships as data and the host activates with it (split out of host.ts): its
 * permission rules and its alert rules.
 */
import type { PlumeApp } from '../kernel/types.js'
import type { PluginState } from './host-state.js'

/** The plugin's alert rules: stored once and run while it is active, left out while it is not. */
export async function activateAlerts(app: PlumeApp, state: PluginState, active: boolean): Promise<void> {
  const register = app.get('registerPluginAlerts')
  const { plugin } = state
  if (!register || plugin.alerts.length === 0) return
  const conflicts = await register(plugin.name, plugin.alerts, active)
  if (active) state.ruleConflicts.push(...conflicts)
}

/** The plugin's permission rules, seeded once into the rule store; `reload`: reload the rules now. */
export async function activateRules(app: PlumeApp, state: PluginState, reload: boolean): Promise<void> {
  const register = app.get('registerPluginRules')
  if (register)
    state.ruleConflicts = await register(`plugin:${state.plugin.name}`, state.plugin.grants, { reload })
}
