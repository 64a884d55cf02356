/**
 * Default rules shipped as data — the core's folder and each plugin's `rules/alerts/` — stored
 * once by name, and a plugin's rules left out of the engine while the plugin is off.
 */
import type { PlumeApp } from '../kernel/types.js'
import type { AutomationEngine } from './engine.js'
import { entryOf, seedAutomationRules, type AlertRuleFile } from './store.js'
import type { AutomationRule, RuleKind } from './types.js'
import { validateAutomationRule } from './validate.js'

/**
 * Stores the rules of the files that were never stored, after checking them against what is
 * registered now (facts, actions, transitions); invalid ones are logged and skipped. Reloads the
 * engine when one was added. Answers how many were stored.
 * @example await storeDefaultRules(app, engine, [{ source: 'plugin:notifications', rules }])
 */
export async function storeDefaultRules(
  app: PlumeApp,
  engine: AutomationEngine,
  files: readonly AlertRuleFile[],
): Promise<number> {
  const logger = app.get('logger')
  const valid: Array<{ kind: RuleKind; enabled: boolean; definition: AutomationRule }> = []
  for (const file of files) {
    file.rules.forEach((raw, i) => {
      const entry = entryOf(raw)
      const errs = validateAutomationRule(entry.definition, {
        app,
        registry: engine.registry,
        kind: entry.kind,
      })
      if (errs.length)
        logger.error({ source: file.source, index: i, errors: errs }, 'default alert rule skipped: invalid')
      else valid.push(entry as { kind: RuleKind; enabled: boolean; definition: AutomationRule })
    })
  }
  const added = await seedAutomationRules(app.get('db').knex, valid)
  if (added) {
    logger.info(`automation: ${added} default rule(s) stored`)
    await engine.reload()
  }
  return added
}

/** The names of the rules in a list of rule entries. */
function namesOf(rules: readonly unknown[]): string[] {
  return rules.flatMap((r) => {
    const def = entryOf(r as AlertRuleFile['rules'][number]).definition as { name?: unknown } | undefined
    return typeof def?.name === 'string' ? [def.name] : []
  })
}

/**
 * The `registerPluginAlerts` setting the plugin host calls: a plugin switched on stores its rules
 * (once by name: an admin's change or deletion stays) and the engine runs them; switched off (or
 * left off at start), the engine leaves them out until it is back. The stored rules stay.
 */
export function pluginAlertsRegistrar(app: PlumeApp, engine: AutomationEngine) {
  return async (plugin: string, rules: unknown[], active: boolean): Promise<void> => {
    if (active) {
      engine.suspend(plugin, [])
      await storeDefaultRules(app, engine, [
        { source: `plugin:${plugin}`, rules: rules as AlertRuleFile['rules'] },
      ])
    } else engine.suspend(plugin, namesOf(rules))
  }
}
