import type { PlumeApp } from '../kernel/types.js'
import { clientSafeErrors } from '../app/hooks.js'
import { msFromEnv, whileRunning } from '../app/background.js'
import { requireAuth } from '../auth/session.js'
import { ensureJobTable, JobQueue } from '../jobs/index.js'
import { actionJob, CORE_ACTIONS, recordOutcome } from './actions.js'
import { ACTION_JOB, AutomationEngine } from './engine.js'
import { ensureAutomationTables, readAlertRuleFiles, DEFAULT_ALERT_RULES_DIR } from './store.js'
import { pluginAlertsRegistrar, storeDefaultRules } from './defaults.js'
import { ALERT_RULES_PATH, AlertRulesService } from './services/alert-rules.js'
import { DRY_RUN_PATH, dryRunService } from './services/dry-run.js'
import { DEAD_LETTERS_PATH, deadLettersService, FIRINGS_PATH, firingsService } from './services/firings.js'
import { alertRulesDocs, deadLettersDocs, dryRunDocs, firingsDocs } from './docs.js'

export {
  AutomationEngine,
  ACTION_JOB,
  DEFAULT_MAX_DEPTH,
  nowFact,
  provenanceOf,
  type DryRunResult,
  type Provenance,
} from './engine.js'
export { AutomationRegistry, EVENT_FACTS, SCHEDULE_FACTS } from './registry.js'
export { automationEvents, automationHook, type RowReader, type SettledRecord } from './hooks.js'
export { validateAutomationRule } from './validate.js'
export { automationRuleSchema } from './schema.js'
export { compile, explain, MissingFact, OPERATORS } from './conditions.js'
export { render, fill, templateErrors } from './template.js'
export { actionParams, updateAction, createAction, holdAction } from './actions.js'
export { lastSlot } from './compile.js'
export { DEFAULT_ALERT_RULES_DIR, FIRINGS_TABLE, SLOTS_TABLE, readAlertRuleFiles } from './store.js'
export { ALERT_RULES_PATH, FIRINGS_PATH, DEAD_LETTERS_PATH, DRY_RUN_PATH }
export type * from './types.js'

/** The engine of an app (set up by createApp). */
export function automationOf(app: PlumeApp): AutomationEngine {
  const engine = app.get('automation')
  if (!engine) throw new Error('automation is not set up')
  return engine
}

const flag = (name: string, fallback: boolean) =>
  process.env[name] === undefined
    ? fallback
    : !['0', 'false', 'off'].includes(process.env[name]!.toLowerCase())

/**
 * Called once by createApp: the job table and worker, the firing log, the engine with the core
 * actions (update, create, hold) and the enabled rules, `api/alert-rules` (+ `/:id/dry-run`),
 * `api/alert-firings`, `api/alert-dead-letters`, and the background worker and scheduler
 * (`PLUME_JOBS=0` / `PLUME_SCHEDULER=0` turn them off). Stopped by `app.teardown()`.
 * @example await setupAutomation(app)
 */
export async function setupAutomation(app: PlumeApp): Promise<AutomationEngine> {
  const { knex } = app.get('db')
  const logger = app.get('logger').child({ module: 'automation' })
  await ensureJobTable(knex)
  await ensureAutomationTables(knex)
  const retainDays = Number(process.env.PLUME_JOBS_RETAIN_DAYS)
  const queue = new JobQueue(knex, {
    logger,
    pollMs: Number(process.env.PLUME_JOBS_POLL_MS ?? 500),
    ...(retainDays > 0 ? { retainDoneMs: retainDays * 86_400_000 } : {}),
  })
  const engine = new AutomationEngine(app, queue, logger)
  for (const a of CORE_ACTIONS) engine.registry.action(a)
  app.set('automation', engine)
  app.set('registerPluginAlerts', pluginAlertsRegistrar(app, engine))
  app.set('jobs', queue)
  queue.register(
    ACTION_JOB,
    actionJob(app, () => engine),
  )
  queue.onOutcome((e) => (e.job.name === ACTION_JOB ? recordOutcome(app, e) : undefined))
  await engine.reload()

  const rules = new AlertRulesService(app, () => engine)
  const guarded = { around: { all: [clientSafeErrors(), requireAuth()] } }
  app.use(ALERT_RULES_PATH, Object.assign(rules, { docs: alertRulesDocs }), {
    methods: ['find', 'get', 'create', 'update', 'patch', 'remove'],
  })
  app.service(ALERT_RULES_PATH).hooks(guarded)
  app.use(
    DRY_RUN_PATH,
    Object.assign(
      dryRunService(app, rules, () => engine),
      { docs: dryRunDocs },
    ),
    { methods: ['create'], events: [] },
  )
  app.service(DRY_RUN_PATH).hooks(guarded)
  app.use(FIRINGS_PATH, Object.assign(firingsService(app), { docs: firingsDocs }), {
    methods: ['find', 'get'],
    events: [],
  })
  app.service(FIRINGS_PATH).hooks(guarded)
  app.use(DEAD_LETTERS_PATH, Object.assign(deadLettersService(app, queue), { docs: deadLettersDocs }), {
    methods: ['find', 'get', 'patch', 'remove'],
    events: [],
  })
  app.service(DEAD_LETTERS_PATH).hooks(guarded)

  // background work stops with the app (no methods: nothing is exposed over REST or socket.io);
  // the scheduler first, so that its tick is over before the queue stops
  if (flag('PLUME_SCHEDULER', true)) {
    whileRunning(
      app,
      'plume-automation-scheduler',
      msFromEnv('PLUME_SCHEDULER_INTERVAL_MS', 30_000),
      () => engine.refresh().then(() => engine.runSchedules(new Date())),
      (err) => logger.debug({ err: (err as Error).message }, 'automation: scheduler tick failed'),
    )
  }
  app.use(
    'plume-automation-runtime',
    {
      async setup() {
        if (flag('PLUME_JOBS', true)) queue.start()
      },
      async teardown() {
        await queue.stop()
        await engine.flush()
      },
    } as never,
    { methods: [], events: [] },
  )
  return engine
}

/**
 * Stores the default alert rules of a folder (`metadata/rules/alerts` by default) that were never
 * stored, after checking them against what is registered now; invalid ones are logged and skipped.
 * Called by the plugin that registers the facts and actions they use.
 * @example await seedDefaultAlertRules(app)
 */
export async function seedDefaultAlertRules(app: PlumeApp, dir = DEFAULT_ALERT_RULES_DIR): Promise<number> {
  return storeDefaultRules(app, automationOf(app), readAlertRuleFiles(dir))
}
export { visibleTo, contextFor } from './visible.js'
