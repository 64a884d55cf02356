import { Conflict, Unprocessable } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { PlumeApp } from '../kernel/types.js'
import type { JobQueue } from '../jobs/index.js'
import { userFact } from '../permissions/engine.js'
import { compileRule, eventKey, lastSlot, type CompiledRule } from './compile.js'
import { changesOf, explain, type Facts, type LeafResult } from './conditions.js'
import { RuleEvaluator, type Match } from './evaluate.js'
import { AutomationRegistry } from './registry.js'
import { FIRINGS_TABLE, loadAutomationRules, rulesStamp, SLOTS_TABLE } from './store.js'
import { render } from './template.js'
import type { ActionRun, StoredAutomationRule, TemplateContext, TriggerEvent } from './types.js'

export const ACTION_JOB = 'automation.action'
/** A firing caused by an action's write at this depth is not acted on (loop protection). */
export const DEFAULT_MAX_DEPTH = 5

/** How a write reached the engine: the depth and rule chain travel in `params.automation`. */
export interface Provenance {
  depth: number
  chain: string[]
}

export interface EmitOptions {
  params?: Record<string, unknown>
  now?: Date
}

export const nowFact = (now: Date) => ({
  iso: now.toISOString(),
  epoch: now.getTime(),
  date: now.toISOString().slice(0, 10),
})

export function provenanceOf(params: Record<string, unknown> | undefined): Provenance {
  const a = params?.automation as Partial<Provenance> | undefined
  return {
    depth: typeof a?.depth === 'number' ? a.depth : 0,
    chain: Array.isArray(a?.chain) ? a.chain.filter((c): c is string => typeof c === 'string') : [],
  }
}

const actorOf = (params: Record<string, unknown> | undefined) => {
  const u = userFact(params?.user)
  return u
    ? { id: u.id, roles: u.roles, partnerId: u.partnerId, ...(u.email ? { email: u.email } : {}) }
    : { id: 0, roles: ['system'], partnerId: null }
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

  /** The template context kept with each action job: the record facts and what templates read. */
  private contextOf(cr: CompiledRule, facts: Facts): TemplateContext {
    const ctx: TemplateContext = {}
    for (const k of [
      'record',
      'previous',
      'changes',
      'data',
      'event',
      'now',
      'item',
      'user',
      ...cr.templateReads,
    ])
      if (facts[k] !== undefined) ctx[k] = facts[k]
    return ctx
  }

  private entitiesOf(cr: CompiledRule): Record<string, string> {
    const out: Record<string, string> = {}
    const t = cr.rule.trigger
    if (t.type === 'event')
      Object.assign(out, { record: t.entity, previous: t.entity, changes: t.entity, data: t.entity })
    const itemEntity = cr.rule.forEach ? this.registry.facts.get(cr.rule.forEach)?.entity : undefined
    if (itemEntity) out.item = itemEntity
    for (const name of cr.templateReads) {
      const e = this.registry.facts.get(name)?.entity
      if (e) out[name] = e
    }
    return out
  }

  private async rateLimited(cr: CompiledRule, db: Knex | Knex.Transaction, now: Date): Promise<boolean> {
    const limit = cr.rule.rateLimit
    if (!limit) return false
    const since = new Date(now.getTime() - limit.perSeconds * 1000)
    const row = (await db(FIRINGS_TABLE)
      .where({ ruleId: cr.stored.id, status: 'fired' })
      .where('createdAt', '>', since)
      .count({ n: '*' })
      .first()) as { n: string | number } | undefined
    return Number(row?.n ?? 0) >= limit.max
  }

  /** Records one firing and queues its actions, all in `db` (the caller's transaction). */
  private async fire(
    cr: CompiledRule,
    match: Match,
    db: Knex | Knex.Transaction,
    trigger: Record<string, unknown>,
    prov: Provenance,
    now: Date,
  ): Promise<number> {
    const { stored } = cr
    const record = match.facts.record as { id?: unknown } | undefined
    const base = {
      ruleId: stored.id,
      ruleName: stored.name,
      ruleKind: stored.kind,
      ruleVersion: stored.version,
      trigger: JSON.stringify(trigger),
      matched: JSON.stringify(explain(cr.rule.conditions, match.facts).filter((l) => l.result)),
      item: match.item === undefined ? null : JSON.stringify(match.item),
      recordId: record?.id === undefined ? null : String(record.id),
      depth: prov.depth,
      createdAt: now,
    }
    if (prov.depth >= this.maxDepth) {
      const chain = [...prov.chain, stored.name]
      const message = `loop stopped at depth ${prov.depth}: ${chain.join(' → ')}`
      this.logger.warn({ rule: stored.name, chain }, `automation: ${message}`)
      const [row] = (await db(FIRINGS_TABLE)
        .insert({ ...base, status: 'loop', message, actions: '[]' })
        .returning('id')) as Array<{ id: number | string }>
      return Number(row!.id)
    }
    if (await this.rateLimited(cr, db, now)) {
      const [row] = (await db(FIRINGS_TABLE)
        .insert({
          ...base,
          status: 'rate_limited',
          message: `more than ${cr.rule.rateLimit!.max} firings in ${cr.rule.rateLimit!.perSeconds} s`,
          actions: '[]',
        })
        .returning('id')) as Array<{ id: number | string }>
      return Number(row!.id)
    }
    const [row] = (await db(FIRINGS_TABLE)
      .insert({ ...base, status: 'fired', actions: '[]' })
      .returning('id')) as Array<{ id: number | string }>
    const firingId = Number(row!.id)
    const context = this.contextOf(cr, match.facts)
    const entities = this.entitiesOf(cr)
    const actions: unknown[] = []
    for (const [index, spec] of cr.rule.actions.entries()) {
      const exec = this.registry.executors.get(spec.type)
      const retry = exec?.retry ?? { maxAttempts: 5, backoffMs: 30_000 }
      const payload = {
        firingId,
        ruleId: stored.id,
        ruleName: stored.name,
        ruleKind: stored.kind,
        ruleVersion: stored.version,
        index,
        action: spec,
        context,
        entities,
        depth: prov.depth + 1,
        chain: [...prov.chain, stored.name].slice(-20),
        now: now.toISOString(),
      }
      const jobId = await this.queue.enqueue(ACTION_JOB, payload, { trx: db, ...retry })
      actions.push({ type: spec.type, jobId, status: 'queued', attempts: 0 })
    }
    await db(FIRINGS_TABLE)
      .where({ id: firingId })
      .update({ actions: JSON.stringify(actions) })
    return firingId
  }

  private baseFacts(
    event: TriggerEvent,
    params: Record<string, unknown> | undefined,
    now: Date,
    phase: 'before' | 'after',
  ): Facts {
    return {
      record: event.record,
      ...(event.previous
        ? { previous: event.previous, changes: changesOf(event.previous, event.record) }
        : {}),
      ...(event.data ? { data: event.data } : {}),
      event: { entity: event.entity, on: event.on, phase, ...(event.action ? { action: event.action } : {}) },
      user: actorOf(params),
      now: nowFact(now),
    }
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
      const evals = await this.evaluator.evaluate(rules, this.baseFacts(event, opts.params, now, 'after'), {
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
        for (const m of ev.matches) ids.push(await this.fire(ev.cr, m, tx, trigger, prov, now))
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
    const facts = this.baseFacts(event, opts.params, now, 'before')
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
  async runSchedules(now = new Date()): Promise<number> {
    let fired = 0
    for (const cr of this.schedules) {
      const slot = lastSlot(cr.schedule!, now)
      try {
        fired += await this.knex.transaction(async (trx) => {
          const claimed = (await trx(SLOTS_TABLE)
            .insert({ ruleId: cr.stored.id, slot })
            .onConflict(['ruleId', 'slot'])
            .ignore()
            .returning('ruleId')) as unknown[]
          if (claimed.length === 0) return 0
          const [ev] = await this.evaluator.evaluate(
            [cr],
            { now: nowFact(now) },
            { app: this.app, db: trx, now },
          )
          if (ev!.error)
            this.logger.warn(
              { rule: cr.stored.name, error: ev!.error },
              'automation: schedule rule not evaluated',
            )
          const trigger = {
            type: 'schedule',
            cron: cr.schedule!.cron,
            timezone: cr.schedule!.tz,
            slot: slot.toISOString(),
          }
          for (const m of ev!.matches) await this.fire(cr, m, trx, trigger, { depth: 0, chain: [] }, now)
          return ev!.matches.length
        })
      } catch (err) {
        this.logger.error(
          { rule: cr.stored.name, err: (err as Error).message },
          'automation: schedule run failed',
        )
      }
    }
    return fired
  }

  /**
   * What a rule would do on a record (event rules) or at a time (schedule rules), without
   * acting: every condition with its value and result, and a preview of each action.
   */
  async dryRun(
    stored: StoredAutomationRule,
    input: {
      record?: Record<string, unknown>
      previous?: Record<string, unknown>
      data?: Record<string, unknown>
      at?: Date
      action?: string
      params?: Record<string, unknown>
    },
  ): Promise<DryRunResult> {
    const cr = compileRule(stored)
    const now = input.at ?? new Date()
    const t = cr.rule.trigger
    const result: DryRunResult = {
      rule: { id: stored.id, name: stored.name, kind: stored.kind, version: stored.version },
      trigger: t,
      now: now.toISOString(),
      matched: false,
      evaluations: [],
      actions: [],
      changed: false,
    }
    const trx = await this.knex.transaction()
    try {
      let facts: Facts = { now: nowFact(now) }
      let event: TriggerEvent | undefined
      if (t.type === 'event') {
        const entity = this.app.get('entities').get(t.entity)
        let record = input.record ?? {}
        const id = record.id
        if (entity && id !== undefined && Object.keys(record).length === 1) {
          record =
            ((await trx(entity.table)
              .where('id', id as number)
              .first()) as Record<string, unknown> | undefined) ?? record
        }
        const action = t.action ?? (t.on === 'transition' ? input.action : undefined)
        event = {
          entity: t.entity,
          on: t.on,
          ...(action ? { action } : {}),
          record,
          ...(input.previous ? { previous: input.previous } : {}),
          ...(input.data ? { data: input.data } : {}),
        }
        facts = this.baseFacts(event, input.params, now, t.phase ?? 'after')
      }
      const [ev] = await this.evaluator.evaluate(
        [cr],
        facts,
        { app: this.app, db: trx, now, ...(event ? { record: event.record, event } : {}) },
        true,
        200,
      )
      if (ev!.error) result.error = ev!.error
      for (const m of ev!.matches) {
        const conditions = explain(cr.rule.conditions, m.facts)
        let matched = false
        let error: string | undefined
        try {
          matched = await this.evaluator.holds(cr, m.facts)
        } catch (err) {
          error = (err as Error).message
        }
        result.evaluations.push({
          ...(m.item !== undefined ? { item: m.item } : {}),
          matched,
          conditions,
          ...(error ? { error } : {}),
        })
        if (!matched) continue
        result.matched = true
        const run: ActionRun = {
          app: this.app,
          db: trx,
          firingId: null,
          rule: { id: stored.id, name: stored.name, version: stored.version, kind: stored.kind },
          context: this.contextOf(cr, m.facts),
          entities: this.entitiesOf(cr),
          depth: 0,
          chain: [],
          now,
          dryRun: true,
          attempt: 0,
        }
        for (const spec of cr.rule.actions) {
          const exec = this.registry.executors.get(spec.type)
          let wouldDo: unknown
          try {
            wouldDo = exec ? await exec.preview(spec, run) : { error: `no executor for "${spec.type}"` }
          } catch (err) {
            wouldDo = { error: (err as Error).message }
          }
          result.actions.push({ ...(m.item !== undefined ? { item: m.item } : {}), type: spec.type, wouldDo })
        }
      }
    } finally {
      await trx.rollback().catch(() => undefined)
    }
    return result
  }
}

export interface DryRunResult {
  rule: { id: number; name: string; kind: string; version: number }
  trigger: unknown
  now: string
  matched: boolean
  evaluations: Array<{ item?: unknown; matched: boolean; conditions: LeafResult[]; error?: string }>
  actions: Array<{ item?: unknown; type: string; wouldDo: unknown }>
  error?: string
  /** Always false: a dry run changes nothing (its transaction is rolled back). */
  changed: false
}
