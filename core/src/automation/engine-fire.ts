/**
 * A firing: recorded in the caller's transaction with its action jobs queued alongside, or
 * stopped by loop protection or a rule's rate limit (split out of engine.ts).
 */
import type { Knex } from 'knex'
import type { Logger } from 'pino'
import type { JobQueue } from '../jobs/index.js'
import type { CompiledRule } from './compile.js'
import { explain } from './conditions.js'
import { contextOf, entitiesOf, type Provenance } from './engine-facts.js'
import type { Match } from './evaluate.js'
import type { AutomationRegistry } from './registry.js'
import { FIRINGS_TABLE } from './store.js'

export const ACTION_JOB = 'automation.action'

/** What a firing needs of its engine. */
export interface FireDeps {
  registry: AutomationRegistry
  queue: JobQueue
  logger: Logger
  maxDepth: number
}

async function rateLimited(cr: CompiledRule, db: Knex | Knex.Transaction, now: Date): Promise<boolean> {
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
export async function fire(
  deps: FireDeps,
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
  if (prov.depth >= deps.maxDepth) {
    const chain = [...prov.chain, stored.name]
    const message = `loop stopped at depth ${prov.depth}: ${chain.join(' → ')}`
    deps.logger.warn({ rule: stored.name, chain }, `automation: ${message}`)
    const [row] = (await db(FIRINGS_TABLE)
      .insert({ ...base, status: 'loop', message, actions: '[]' })
      .returning('id')) as Array<{ id: number | string }>
    return Number(row!.id)
  }
  if (await rateLimited(cr, db, now)) {
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
  const context = contextOf(cr, match.facts)
  const entities = entitiesOf(deps.registry, cr)
  const actions: unknown[] = []
  for (const [index, spec] of cr.rule.actions.entries()) {
    const exec = deps.registry.executors.get(spec.type)
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
    const jobId = await deps.queue.enqueue(ACTION_JOB, payload, { trx: db, ...retry })
    actions.push({ type: spec.type, jobId, status: 'queued', attempts: 0 })
  }
  await db(FIRINGS_TABLE)
    .where({ id: firingId })
    .update({ actions: JSON.stringify(actions) })
  return firingId
}
