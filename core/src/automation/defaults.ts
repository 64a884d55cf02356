/**
 * Default rules shipped as data — the core's folder and each plugin's `rules/alerts/` — stored
 * once by name, and a plugin's rules left out of the engine while the plugin is off.
 */
import type { PlumeApp } from '../kernel/types.js'
import type { AutomationEngine } from './engine.js'
import { entryOf, seedAutomationRules, type AlertRuleFile } from './store.js'
import type { AutomationRule, RuleKind } from './types.js'
import { validateAutomationRule } from './validate.js'
import { followShippedRules } from '../rules/shipped.js'

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
  return async (plugin: string, rules: unknown[], active: boolean): Promise<string[]> => {
    if (active) {
      // a plugin's own rule that names an unknown entity, field or fact stops the plugin, naming it
      const problems = rules.flatMap((raw, i) => {
        const entry = entryOf(raw as AlertRuleFile['rules'][number])
        return validateAutomationRule(entry.definition, {
          app,
          registry: engine.registry,
          kind: entry.kind,
        }).map((e) => `/${i}${e.path === '/' ? '' : e.path}: ${e.message}`)
      })
      if (problems.length)
        throw new Error(`${problems.length} alert rule error(s) in plugin:${plugin}:\n${problems.join('\n')}`)
      engine.suspend(plugin, [])
      const source = `plugin:${plugin}`
      await storeDefaultRules(app, engine, [{ source, rules: rules as AlertRuleFile['rules'] }])
      // a changed shipped copy upgrades the stored rule an admin did not edit
      const shipped = rules.map(
        (raw) => entryOf(raw as AlertRuleFile['rules'][number]).definition as { name: string },
      )
      const { upgraded, conflicts } = await followShippedRules(
        app.get('db').knex,
        app.get('logger'),
        source,
        shipped.map((definition) => ({ name: definition.name, definition })),
      )
      if (upgraded.length) await engine.reload()
      return conflicts
    }
    engine.suspend(plugin, namesOf(rules))
    return []
  }
}
