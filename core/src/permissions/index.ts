import type { EntityDefinition } from '@plume/metadata'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import { clientSafeErrors } from '../app/hooks.js'
import { requireAuth } from '../auth/session.js'
import type { EntityMeta } from '../app/meta-service.js'
import { PermissionEngine, userFact } from './engine.js'
import { ExplainService } from './explain.js'
import { actionGuard, guardServices } from './guards.js'
import { authorize, engineOf } from './hooks.js'
import { EXPLAIN_PATH, RULES_PATH, ruleContext, waitingResources } from './resources.js'
import { RulesService } from './rules-service.js'
import { activePart } from './split.js'
import {
  RULE_VERSIONS_PATH,
  RULES_VALIDATE_PATH,
  rulesValidateService,
  ruleVersionsService,
} from './rules-tools.js'
import { RuleSync } from './sync.js'
import { msFromEnv, whileRunning } from '../app/background.js'
import { ensureRuleTables, loadEnabledRules, readRuleFiles, RuleFileError, seedRules } from './store.js'
import type { PermissionRule } from './types.js'
import { isRuleShape, validateRule } from './validate.js'
import { upgradeUneditedRules } from './upgrades.js'
import { followShippedRules } from '../rules/shipped.js'
import { explainDocs, rulesDocs, rulesValidateDocs, ruleVersionsDocs } from './docs.js'

export { PermissionEngine, userFact, combine } from './engine.js'
export type { Decision, Grant } from './engine.js'
export { validateRule } from './validate.js'
export { permissionRuleSchema } from './schema.js'
export { compileCondition, MissingFact } from './conditions.js'
export { matchesRow, parseRow, resolveRow, toScope } from './row.js'
export { permissionPublisher } from './publish.js'
export { actionGuard, guardServices } from './guards.js'
export { authorize, engineOf } from './hooks.js'
export { readAccess, type ReadAccess } from './access.js'
export { RulesService } from './rules-service.js'
export { ExplainService } from './explain.js'
export { DEFAULT_RULES_DIR, readRuleFiles, seedRules, loadEnabledRules, RuleFileError } from './store.js'
export type { PermissionRule, ConditionNode, StoredRule, UserFact, Facts } from './types.js'

export interface PermissionOptions {
  /** Folder of default rule files; defaults to `metadata/rules/permissions`. */
  rulesDir?: string
}

/**
 * Called once by createApp before any entity service is registered: rule tables, default rules
 * (seeded once), the compiled engine, `api/rules`, `api/permissions/explain`, and the guards of
 * actions and every other service.
 * @example await setupPermissions(app)
 */
export async function setupPermissions(app: PlumeApp, opts: PermissionOptions = {}): Promise<void> {
  const { knex } = app.get('db')
  const logger = app.get('logger')
  const engine = new PermissionEngine(app.get('entities'), logger)
  app.set('permissionEngine', engine)
  await ensureRuleTables(knex)
  const ctx = ruleContext(app)
  const problems: Array<{ source: string; path: string; message: string }> = []
  const defaults: PermissionRule[] = []
  for (const file of readRuleFiles(opts.rulesDir ?? app.get('permissionRulesDir'))) {
    file.rules.forEach((rule, i) => {
      const errs = validateRule(rule, ctx)
      if (errs.length === 0) defaults.push(rule as PermissionRule)
      // a malformed file stops start-up; a rule naming entities this deployment lacks waits (seeded once they exist)
      else if (!isRuleShape(rule))
        problems.push(
          ...errs.map((e) => ({
            source: file.source,
            path: `/${i}${e.path === '/' ? '' : e.path}`,
            message: e.message,
          })),
        )
      else
        logger.debug(
          { rule: (rule as PermissionRule).name, errors: errs },
          'default permission rule not stored: it does not fit this deployment',
        )
    })
  }
  if (problems.length) throw new RuleFileError(problems)
  const added = await seedRules(knex, defaults)
  if (added) logger.info(`permissions: ${added} default rule(s) stored`)
  if (await upgradeUneditedRules(knex, defaults))
    logger.info('permissions: unedited default rule(s) upgraded')
  const reload = async (opts: { startup?: boolean } = {}) => {
    const rules = await loadEnabledRules(knex)
    // stored rules were validated on save; re-check against today's registry (an entity may be gone;
    // a record action no loaded plugin declares simply never matches)
    const { actions: _undeclared, ...ctxNow } = ruleContext(app)
    const waiting = waitingResources(app)
    const usable = rules.flatMap((stored) => {
      // what a rule names of a disabled plugin's entities or services waits for it (its grants go
      // with it, though the entity stays known); the rest of the rule applies — rules stored before
      // grants moved per plugin mix several plugins' entities (split.ts). At start-up the plugins
      // are not mounted yet (they are checked again once they are)
      const { rule: r, waitsFor } = activePart(stored, waiting)
      for (const plugin of waitsFor)
        logger.debug({ rule: stored.name, plugin }, 'permission rule waits for its plugin to be enabled')
      if (!r) return []
      const errs = validateRule(r, ctxNow)
      if (errs.length === 0) return [r]
      logger[opts.startup ? 'debug' : 'error'](
        { rule: r.name, errors: errs },
        'permission rule left out: no longer valid',
      )
      return []
    })
    engine.load(usable)
  }
  await reload({ startup: true })
  app.set('reloadPermissions', reload)
  // changes made on other instances reach this one within PLUME_RULES_SYNC_MS
  const sync = new RuleSync(knex, () => reload())
  await sync.check()
  app.set('permissionSync', sync)
  whileRunning(
    app,
    'plume-permission-sync',
    msFromEnv('PLUME_RULES_SYNC_MS', 2000),
    () => sync.check(),
    (err) => logger.warn({ err: (err as Error).message }, 'permissions: rule sync failed'),
  )
  // plugins ship rules as data too: validated against this deployment (a rule that names an
  // unknown entity, action or field stops the plugin, naming it), seeded once by name
  app.set(
    'registerPluginRules',
    async (source: string, rules: unknown[], opts: { reload?: boolean } = {}) => {
      const ctxNow = ruleContext(app)
      const problems = rules.flatMap((rule, i) =>
        validateRule(rule, ctxNow).map((e) => ({
          source,
          path: `/${i}${e.path === '/' ? '' : e.path}`,
          message: e.message,
        })),
      )
      if (problems.length) throw new RuleFileError(problems)
      const valid = rules as PermissionRule[]
      await seedRules(knex, valid)
      const { conflicts } = await followShippedRules(
        knex,
        logger,
        source,
        valid.map((r) => ({ name: r.name, definition: r })),
      )
      // rules stored on an earlier run name services that exist only from now on; at start-up the
      // host reloads once, after every plugin is mounted (`reloadPermissions`)
      if (opts.reload !== false) await reload()
      return conflicts
    },
  )

  app.use(RULES_PATH, Object.assign(new RulesService(app, reload), { docs: rulesDocs }), {
    methods: ['find', 'get', 'create', 'update', 'patch', 'remove'],
  })
  app.service(RULES_PATH).hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
  app.use(RULES_VALIDATE_PATH, Object.assign(rulesValidateService(app), { docs: rulesValidateDocs }), {
    methods: ['create'],
    events: [],
  })
  app.use(RULE_VERSIONS_PATH, Object.assign(ruleVersionsService(app), { docs: ruleVersionsDocs }), {
    methods: ['find'],
    events: [],
  })
  for (const path of [RULES_VALIDATE_PATH, RULE_VERSIONS_PATH])
    app.service(path).hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
  app.use(EXPLAIN_PATH, Object.assign(new ExplainService(app, () => engineOf(app)), { docs: explainDocs }), {
    methods: ['find'],
    events: [],
  })
  app.service(EXPLAIN_PATH).hooks({ around: { all: [clientSafeErrors(), requireAuth()] } })
  // every non-entity service (rules, explain, plugins, audit, custom services) and every action
  // app-level around hooks run before every service's own hooks
  app.hooks({ all: [guardServices(app)] } as Parameters<PlumeApp['hooks']>[0])
  app.set('actionGuard', actionGuard(app))
  app.set('metaFilter', metaFilter(app))
}

/** The authorization hooks of one entity service (run after authentication). */
export function authorizeHooks(app: PlumeApp, entity: EntityDefinition): AroundHook[] {
  return [authorize(app, entity)]
}

/** `api/meta` shows an entity only to users who may find or get it, without the fields hidden from them. */
function metaFilter(app: PlumeApp) {
  return (rawUser: unknown, meta: EntityMeta): EntityMeta | null => {
    const user = userFact(rawUser)
    if (!user) return null
    const engine = engineOf(app)
    const d = [engine.decide(meta.name, 'find', user), engine.decide(meta.name, 'get', user)].find(
      (x) => x.allowed,
    )
    if (!d) return null
    if (d.hidden.size === 0) return meta
    return {
      ...meta,
      fieldOrder: meta.fieldOrder.filter((f) => !d.hidden.has(f)),
      fields: Object.fromEntries(Object.entries(meta.fields).filter(([f]) => !d.hidden.has(f))),
    }
  }
}
