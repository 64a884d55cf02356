/**
 * What a rule would do on a record (event rules) or at a time (schedule rules), without acting
 * (split out of engine.ts): evaluated and previewed in a transaction that is rolled back.
 */
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { compileRule } from './compile.js'
import { explain, type Facts, type LeafResult } from './conditions.js'
import { baseFacts, contextOf, entitiesOf, nowFact } from './engine-facts.js'
import type { RuleEvaluator } from './evaluate.js'
import type { AutomationRegistry } from './registry.js'
import type { ActionRun, EventTrigger, StoredAutomationRule, TriggerEvent } from './types.js'

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

export interface DryRunInput {
  record?: Record<string, unknown>
  previous?: Record<string, unknown>
  data?: Record<string, unknown>
  at?: Date
  action?: string
  params?: Record<string, unknown>
}

/** What a dry run needs of its engine. */
export interface DryRunDeps {
  app: PlumeApp
  knex: Knex
  registry: AutomationRegistry
  evaluator: RuleEvaluator
}

/** The event a dry run of an event rule evaluates; a record given by id alone is read first. */
async function dryRunEvent(
  app: PlumeApp,
  trx: Knex.Transaction,
  t: EventTrigger,
  input: DryRunInput,
): Promise<TriggerEvent> {
  const entity = app.get('entities').get(t.entity)
  let record = input.record ?? {}
  const id = record.id
  if (entity && id !== undefined && Object.keys(record).length === 1) {
    record =
      ((await trx(entity.table)
        .where('id', id as number)
        .first()) as Record<string, unknown> | undefined) ?? record
  }
  const action = t.action ?? (t.on === 'transition' ? input.action : undefined)
  return {
    entity: t.entity,
    on: t.on,
    ...(action ? { action } : {}),
    record,
    ...(input.previous ? { previous: input.previous } : {}),
    ...(input.data ? { data: input.data } : {}),
  }
}

/**
 * Every condition with its value and result, and a preview of each action.
 * @example await dryRun(deps, stored, { record: { id: 7 } })
 */
export async function dryRun(
  deps: DryRunDeps,
  stored: StoredAutomationRule,
  input: DryRunInput,
): Promise<DryRunResult> {
  const { app, evaluator, registry } = deps
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
  const trx = await deps.knex.transaction()
  try {
    let facts: Facts = { now: nowFact(now) }
    let event: TriggerEvent | undefined
    if (t.type === 'event') {
      event = await dryRunEvent(app, trx, t, input)
      facts = baseFacts(event, input.params, now, t.phase ?? 'after')
    }
    const [ev] = await evaluator.evaluate(
      [cr],
      facts,
      { app, db: trx, now, ...(event ? { record: event.record, event } : {}) },
      true,
      200,
    )
    if (ev!.error) result.error = ev!.error
    for (const m of ev!.matches) {
      const conditions = explain(cr.rule.conditions, m.facts)
      let matched = false
      let error: string | undefined
      try {
        matched = await evaluator.holds(cr, m.facts)
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
        app,
        db: trx,
        firingId: null,
        rule: { id: stored.id, name: stored.name, version: stored.version, kind: stored.kind },
        context: contextOf(cr, m.facts),
        entities: entitiesOf(registry, cr),
        depth: 0,
        chain: [],
        now,
        dryRun: true,
        attempt: 0,
      }
      for (const spec of cr.rule.actions) {
        const exec = registry.executors.get(spec.type)
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
