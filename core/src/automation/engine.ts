import { Conflict, Unprocessable } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { PlumeApp } from '../kernel/types.js'
import type { JobQueue } from '../jobs/index.js'
import { compileRule, eventKey, type CompiledRule } from './compile.js'
import { explain } from './conditions.js'
import { dryRun, type DryRunInput, type DryRunResult } from './engine-dry-run.js'
import { baseFacts, provenanceOf } from './engine-facts.js'
import { fire, type FireDeps } from './engine-fire.js'
import { runSchedules } from './engine-schedules.js'
import { RuleEvaluator } from './evaluate.js'
import { AutomationRegistry } from './registry.js'
import { FIRINGS_TABLE, loadAutomationRules, rulesStamp } from './store.js'
import { render } from './template.js'
import type { StoredAutomationRule, TriggerEvent } from './types.js'

// next door: the facts (engine-facts), a firing (engine-fire), schedules (engine-schedules), dry run (engine-dry-run)
export { ACTION_JOB } from './engine-fire.js'
export { nowFact, provenanceOf, type Provenance } from './engine-facts.js'
export type { DryRunResult } from './engine-dry-run.js'

/** A firing caused by an action's write at this depth is not acted on (loop protection). */
export const DEFAULT_MAX_DEPTH = 5

export interface EmitOptions {
  params?: Record<string, unknown>
  now?: Date
}

/**
 * The alert/automation engine: rules indexed by trigger (entity + event/transition + phase), so an
 * event only evaluates the rules listening to it, and run on json-rules-engine (one engine per
 * trigger, built once per rule set) whose lazily computed, cached facts load each aggregate at
 * most once per evaluation and only when a listening rule reads it; matches become
 * firings (logged) whose actions are jobs on the durable queue, written in the caller's
 * transaction (they exist only if the change commits).
 * @example await automationOf(app).emit({ entity: 'order', on: 'transition', action: 'ship', record }, trx)
 */
export class AutomationEngine {
  readonly registry = new AutomationRegistry()
  private readonly evaluator = new RuleEvaluator(this.registry)
  maxDepth = DEFAULT_MAX_DEPTH
  private rules: CompiledRule[] = []
  private index = new Map<string, CompiledRule[]>()
  /** Rules of an exact transition and of every transition, merged once. */
  private merged = new Map<string, CompiledRule[]>()
  private schedules: CompiledRule[] = []
  private stamp = ''
  private readonly pending = new Set<Promise<unknown>>()
  /** The stored rules last loaded, and the names left out while their plugin is off, by plugin. */
  private stored: StoredAutomationRule[] = []
  private readonly suspended = new Map<string, ReadonlySet<string>>()

  constructor(
    private readonly app: PlumeApp,
    readonly queue: JobQueue,
    private readonly logger: Logger,
  ) {}

  private get knex(): Knex {
    return this.app.get('db').knex
  }

  /** Replaces the rule set; a rule that does not compile is left out and logged. */
  load(stored: StoredAutomationRule[]): void {
    this.stored = stored
    const off = new Set([...this.suspended.values()].flatMap((names) => [...names]))
    const rules: CompiledRule[] = []
    for (const s of stored) {
      if (off.has(s.name)) continue
      try {
        rules.push(compileRule(s))
      } catch (err) {
        this.logger.error(
          { rule: s.name, err: (err as Error).message },
          'automation rule left out: it does not compile',
        )
      }
    }
    const index = new Map<string, CompiledRule[]>()
    for (const r of rules) if (r.key) index.set(r.key, [...(index.get(r.key) ?? []), r])
    this.rules = rules
    this.index = index
    this.merged = new Map()
    this.schedules = rules.filter((r) => r.schedule)
  }

  /**
   * Leaves out the rules named (those a plugin ships, while it is off), or with none, takes the
   * plugin's back in; the stored rules are kept as they are.
   * @example engine.suspend('notifications', ['low-stock-after-shipment'])
   */
  suspend(plugin: string, names: readonly string[]): void {
    if (names.length) this.suspended.set(plugin, new Set(names))
    else if (!this.suspended.delete(plugin)) return
    this.load(this.stored)
  }

  /** Reloads the enabled rules from the database. */
  async reload(): Promise<void> {
    this.stamp = await rulesStamp(this.knex)
    this.load(await loadAutomationRules(this.knex))
  }

  /** Reloads when another instance changed the rules (cheap fingerprint query). */
  async refresh(): Promise<void> {
    const stamp = await rulesStamp(this.knex)
    if (stamp !== this.stamp) await this.reload()
  }

  get size(): number {
    return this.rules.length
  }

  /** The names of the rules it runs now (stored, enabled, compiled and not left out). */
  get names(): string[] {
    return this.rules.map((r) => r.stored.name)
  }

  /** Rules listening to an event in a phase (exact action first, then any action). */
  rulesFor(phase: 'before' | 'after', entity: string, on: string, action?: string): CompiledRule[] {
    const any = this.index.get(eventKey(phase, entity, on))
    if (!action) return any ?? []
    const exact = this.index.get(eventKey(phase, entity, on, action))
    if (!exact) return any ?? []
    if (!any) return exact
    const key = eventKey(phase, entity, on, action)
    let both = this.merged.get(key)
    if (!both) this.merged.set(key, (both = [...exact, ...any]))
    return both
  }

  listens(phase: 'before' | 'after', entity: string, on: string, action?: string): boolean {
    return this.rulesFor(phase, entity, on, action).length > 0
  }

  /** What a firing needs of this engine. */
  private get fireDeps(): FireDeps {
    return { registry: this.registry, queue: this.queue, logger: this.logger, maxDepth: this.maxDepth }
  }

  /**
   * An entity event after the change: evaluates the rules listening to it and records their
   * firings and action jobs in `db` (pass the change's transaction). Never throws for a rule's
   * sake: an evaluation error is logged and the change goes on.
   */
  async emit(event: TriggerEvent, db: Knex | Knex.Transaction, opts: EmitOptions = {}): Promise<number[]> {
    const rules = this.rulesFor('after', event.entity, event.on, event.action)
    if (rules.length === 0) return []
    const now = opts.now ?? new Date()
    const prov = provenanceOf(opts.params)
    const run = async (tx: Knex | Knex.Transaction) => {
      const evals = await this.evaluator.evaluate(rules, baseFacts(event, opts.params, now, 'after'), {
        app: this.app,
        db: tx,
        now,
        record: event.record,
        event,
      })
      const ids: number[] = []
      for (const ev of evals) {
        if (ev.error)
          this.logger.debug({ rule: ev.cr.stored.name, error: ev.error }, 'automation: rule not evaluated')
        const trigger = {
          type: 'event',
          entity: event.entity,
          on: event.on,
          ...(event.action ? { action: event.action } : {}),
          recordId: event.record.id ?? null,
        }
        for (const m of ev.matches) ids.push(await fire(this.fireDeps, ev.cr, m, tx, trigger, prov, now))
      }
      return ids
    }
    try {
      // a savepoint: a failing fact query must not abort the change's transaction on PostgreSQL
      return 'isTransaction' in db && db.isTransaction ? await db.transaction((sp) => run(sp)) : await run(db)
    } catch (err) {
      this.logger.error(
        { err: (err as Error).message, entity: event.entity, on: event.on },
        'automation: evaluation failed',
      )
      return []
    }
  }

  /**
   * Before a change: the first matching hold rule blocks it with its message (409, or 422 when
   * the action says so). A rule that cannot be evaluated holds too (fail closed).
   */
  async hold(event: TriggerEvent, db: Knex | Knex.Transaction, opts: EmitOptions = {}): Promise<void> {
    const rules = this.rulesFor('before', event.entity, event.on, event.action)
    if (rules.length === 0) return
    const now = opts.now ?? new Date()
    const facts = baseFacts(event, opts.params, now, 'before')
    const evals = await this.evaluator.evaluate(rules, facts, {
      app: this.app,
      db,
      now,
      record: event.record,
      event,
    })
    for (const ev of evals) {
      const { stored } = ev.cr
      const trigger = {
        type: 'event',
        entity: event.entity,
        on: event.on,
        phase: 'before',
        ...(event.action ? { action: event.action } : {}),
        recordId: event.record.id ?? null,
      }
      if (ev.error) {
        this.record({
          ruleId: stored.id,
          ruleName: stored.name,
          ruleKind: stored.kind,
          ruleVersion: stored.version,
          trigger: JSON.stringify(trigger),
          status: 'error',
          message: ev.error,
          matched: '[]',
          actions: '[]',
          createdAt: now,
        })
        throw new Conflict(`Held by rule "${stored.name}": it could not be evaluated`, { rule: stored.name })
      }
      const match = ev.matches[0]
      if (!match) continue
      const spec = ev.cr.rule.actions.find((a) => a.type === 'hold')!
      const message = render(
        typeof spec.message === 'string' ? spec.message : `Held by rule ${stored.name}`,
        match.facts,
        'plain',
      )
      this.record({
        ruleId: stored.id,
        ruleName: stored.name,
        ruleKind: stored.kind,
        ruleVersion: stored.version,
        trigger: JSON.stringify(trigger),
        status: 'held',
        message,
        matched: JSON.stringify(explain(ev.cr.rule.conditions, match.facts).filter((l) => l.result)),
        recordId: event.record.id === undefined ? null : String(event.record.id),
        actions: JSON.stringify([{ type: 'hold', status: 'done', outcome: message }]),
        createdAt: now,
      })
      const data = { rule: stored.name, errors: [{ path: '', message }] }
      throw spec.status === 422 ? new Unprocessable(message, data) : new Conflict(message, data)
    }
  }

  /**
   * Writes a firing outside the caller's transaction (a held change rolls back; its firing must
   * stay). Not awaited: on PGlite the insert runs once the transaction has released the connection.
   */
  private record(row: Record<string, unknown>): void {
    const p = this.knex(FIRINGS_TABLE)
      .insert(row)
      .catch((err: unknown) =>
        this.logger.error({ err: (err as Error).message }, 'automation: could not record a held firing'),
      )
      .finally(() => this.pending.delete(p))
    this.pending.add(p)
  }

  /** Waits for firings recorded in the background. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending])
  }

  /**
   * Runs the schedule rules due at `now`: the latest slot of each rule's cron (in its time zone)
   * is claimed once across instances (`plume_alert_schedule_slots`), evaluated, and its firings
   * and jobs written in the same transaction. Missed older slots are not replayed.
   * @example await automationOf(app).runSchedules(new Date('2026-04-01T08:00:00Z'))
   */
  runSchedules(now = new Date()): Promise<number> {
    const { app, knex, evaluator } = this
    return runSchedules({ ...this.fireDeps, app, knex, evaluator }, this.schedules, now)
  }

  /**
   * What a rule would do on a record (event rules) or at a time (schedule rules), without
   * acting: every condition with its value and result, and a preview of each action.
   */
  dryRun(stored: StoredAutomationRule, input: DryRunInput): Promise<DryRunResult> {
    const { app, knex, registry, evaluator } = this
    return dryRun({ app, knex, registry, evaluator }, stored, input)
  }
}
