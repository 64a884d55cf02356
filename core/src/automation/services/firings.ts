import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Id, NullableId, Params } from '@feathersjs/feathers'
import type { PlumeApp } from '../../kernel/types.js'
import { JOBS_TABLE, type JobQueue } from '../../jobs/index.js'
import { ACTION_JOB } from '../engine.js'
import { FIRINGS_TABLE } from '../store.js'
import { parseId } from './alert-rules.js'

export const FIRINGS_PATH = 'api/alert-firings'
export const DEAD_LETTERS_PATH = 'api/alert-dead-letters'

const json = (v: unknown) => (typeof v === 'string' ? (JSON.parse(v) as unknown) : v)
const shape = (r: Record<string, unknown>) => ({
  ...r,
  id: Number(r.id),
  trigger: json(r.trigger),
  matched: json(r.matched),
  item: json(r.item),
  actions: json(r.actions),
})

function paging(q: Record<string, unknown>): { limit: number; skip: number } {
  const limit = q.$limit === undefined ? 50 : Number(q.$limit)
  const skip = q.$skip === undefined ? 0 : Number(q.$skip)
  if (!Number.isInteger(limit) || limit < 0 || limit > 500)
    throw new BadRequest('Invalid query: $limit must be 0..500', {
      errors: [{ path: '/$limit', message: 'must be an integer 0..500' }],
    })
  if (!Number.isInteger(skip) || skip < 0)
    throw new BadRequest('Invalid query: $skip must be ≥ 0', {
      errors: [{ path: '/$skip', message: 'must be a non-negative integer' }],
    })
  return { limit, skip }
}

/**
 * `api/alert-firings` (admins): every firing, newest first — rule, version, trigger, the
 * conditions that matched, each action's job and outcome. Query: ruleId, ruleName, status, recordId.
 */
export function firingsService(app: PlumeApp) {
  const knex = () => app.get('db').knex
  return {
    async find(params: Params = {}) {
      const q = { ...((params.query ?? {}) as Record<string, unknown>) }
      const { limit, skip } = paging(q)
      const qb = knex()(FIRINGS_TABLE).orderBy('id', 'desc').limit(limit).offset(skip)
      const count = knex()(FIRINGS_TABLE)
      for (const [k, v] of Object.entries(q)) {
        if (k === '$limit' || k === '$skip') continue
        if (!['ruleId', 'ruleName', 'status', 'recordId', 'ruleKind'].includes(k))
          throw new BadRequest(`Invalid query: ${k} is not supported`, {
            errors: [
              { path: `/${k}`, message: 'is not supported (ruleId, ruleName, ruleKind, status, recordId)' },
            ],
          })
        const value = k === 'ruleId' ? Number(v) : String(v)
        qb.where(k, value)
        count.where(k, value)
      }
      const [rows, total] = await Promise.all([qb, count.count({ n: '*' }).first()])
      return {
        total: Number((total as { n: unknown } | undefined)?.n ?? 0),
        limit,
        skip,
        data: (rows as Array<Record<string, unknown>>).map(shape),
      }
    },
    async get(id: Id) {
      const row = (await knex()(FIRINGS_TABLE)
        .where({ id: parseId(id) })
        .first()) as Record<string, unknown> | undefined
      if (!row) throw new NotFound(`No firing with id ${String(id)}`)
      return shape(row)
    },
  }
}

const deadShape = (r: Record<string, unknown>) => {
  const payload = json(r.payload) as Record<string, unknown>
  return {
    id: Number(r.id),
    name: r.name,
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    firingId: payload.firingId,
    ruleName: payload.ruleName,
    action: payload.action,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
  }
}

/**
 * `api/alert-dead-letters` (admins): action jobs that failed for good (a webhook that never
 * answered, an address refused). `PATCH /:id {"replay": true}` queues it again with fresh
 * attempts; `DELETE /:id` drops it.
 */
export function deadLettersService(app: PlumeApp, queue: JobQueue) {
  const knex = () => app.get('db').knex
  const dead = () => knex()(JOBS_TABLE).where({ name: ACTION_JOB, status: 'dead' })
  return {
    async find(params: Params = {}) {
      const { limit, skip } = paging({ ...((params.query ?? {}) as Record<string, unknown>) })
      const rows = (await dead().orderBy('id', 'desc').limit(limit).offset(skip)) as Array<
        Record<string, unknown>
      >
      return rows.map(deadShape)
    },
    async get(id: Id) {
      const row = (await dead()
        .where({ id: parseId(id) })
        .first()) as Record<string, unknown> | undefined
      if (!row) throw new NotFound(`No dead letter with id ${String(id)}`)
      return deadShape(row)
    },
    async patch(id: NullableId, data: unknown) {
      const key = parseId(id)
      if (
        !data ||
        typeof data !== 'object' ||
        (data as { replay?: unknown }).replay !== true ||
        Object.keys(data).length !== 1
      ) {
        throw new BadRequest('Invalid data: send {"replay": true}', {
          errors: [{ path: '/replay', message: 'must be true' }],
        })
      }
      const row = await this.get(key)
      await queue.replay(key)
      return { ...row, status: 'pending', replayed: true }
    },
    async remove(id: NullableId) {
      const row = await this.get(parseId(id))
      await knex()(JOBS_TABLE).where({ id: row.id, status: 'dead' }).delete()
      return row
    },
  }
}
