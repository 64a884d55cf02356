/**
 * The schedule rules' runs (split out of engine.ts): the latest slot of each rule's cron is
 * claimed once across instances, evaluated, and its firings and jobs written in one transaction.
 */
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { lastSlot, type CompiledRule } from './compile.js'
import { nowFact } from './engine-facts.js'
import { fire, type FireDeps } from './engine-fire.js'
import type { RuleEvaluator } from './evaluate.js'
import { SLOTS_TABLE } from './store.js'

/** What a schedule run needs of its engine. */
export interface ScheduleDeps extends FireDeps {
  app: PlumeApp
  knex: Knex
  evaluator: RuleEvaluator
}

/** Runs the schedule rules due at `now`; answers how many firings it recorded. Missed older slots are not replayed. */
export async function runSchedules(
  deps: ScheduleDeps,
  schedules: readonly CompiledRule[],
  now: Date,
): Promise<number> {
  let fired = 0
  for (const cr of schedules) {
    const slot = lastSlot(cr.schedule!, now)
    try {
      fired += await deps.knex.transaction(async (trx) => {
        const claimed = (await trx(SLOTS_TABLE)
          .insert({ ruleId: cr.stored.id, slot })
          .onConflict(['ruleId', 'slot'])
          .ignore()
          .returning('ruleId')) as unknown[]
        if (claimed.length === 0) return 0
        const [ev] = await deps.evaluator.evaluate(
          [cr],
          { now: nowFact(now) },
          { app: deps.app, db: trx, now },
        )
        if (ev!.error)
          deps.logger.warn(
            { rule: cr.stored.name, error: ev!.error },
            'automation: schedule rule not evaluated',
          )
        const trigger = {
          type: 'schedule',
          cron: cr.schedule!.cron,
          timezone: cr.schedule!.tz,
          slot: slot.toISOString(),
        }
        for (const m of ev!.matches) await fire(deps, cr, m, trx, trigger, { depth: 0, chain: [] }, now)
        return ev!.matches.length
      })
    } catch (err) {
      deps.logger.error(
        { rule: cr.stored.name, err: (err as Error).message },
        'automation: schedule run failed',
      )
    }
  }
  return fired
}
