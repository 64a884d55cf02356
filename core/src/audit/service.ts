import { BadRequest, Forbidden, NotFound } from '@feathersjs/errors'
import type { HookContext, Id, NextFunction, Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import { clientSafeErrors } from '../app/hooks.js'
import type { PlumeApp } from '../kernel/types.js'
import { requireAuth } from '../auth/setup.js'
import { contentOf } from './verify.js'
import { verifyAuditChain, type ChainReport } from './verify.js'
import { AUDIT_TABLE } from './schema.js'
import { auditDocs, auditVerifyDocs } from './docs.js'

/** Roles that may read the audit trail unless `app.set('auditRoles', [...])` says otherwise. */
export const DEFAULT_AUDIT_ROLES: readonly string[] = ['admin', 'auditor']

/** One audit row as the API returns it. */
export interface AuditRecord {
  id: number
  at: string
  actorId: string | null
  actor: string | null
  via: string
  action: string
  entity: string | null
  recordId: string | null
  changes: unknown
  requestId: string | null
  ip: string | null
  prevHash: string
  hash: string
}

const EQUAL: Record<string, string> = {
  entity: 'entity',
  recordId: 'record_id',
  actorId: 'actor_id',
  action: 'action',
  via: 'via',
  requestId: 'request_id',
}
const RANGE: Record<string, string> = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }
const SORT: Record<string, string> = { id: 'id', at: 'at' }
const MAX_LIMIT = 500

type Row = Parameters<typeof contentOf>[0]

const toRecord = (r: Row): AuditRecord => ({
  id: Number(r.id),
  ...contentOf(r),
  prevHash: r.prev_hash,
  hash: r.hash,
})

function scalar(v: unknown, path: string): string {
  if (v === null || typeof v === 'object' || String(v).length > 200)
    throw new BadRequest(`Invalid query: ${path} must be a single value`, {
      errors: [{ path: `/${path}`, message: 'must be a single value' }],
    })
  return String(v)
}

function count(v: unknown, path: string, fallback: number): number {
  if (v === undefined) return fallback
  const text = String(v)
  if (!/^\d{1,9}$/.test(text))
    throw new BadRequest(`Invalid query: ${path} must be a non-negative integer`, {
      errors: [{ path: `/${path}`, message: 'must be a non-negative integer' }],
    })
  return Number(text)
}

/** Builds the filter of `api/audit` from the Feathers query; anything unknown is a 400. */
function applyQuery(qb: Knex.QueryBuilder, query: Record<string, unknown>): void {
  for (const [key, raw] of Object.entries(query)) {
    if (key.startsWith('$')) continue
    const column = EQUAL[key]
    if (column) {
      if (raw && typeof raw === 'object' && !Array.isArray(raw) && '$in' in raw) {
        const list = (raw as { $in: unknown }).$in
        const values = (Array.isArray(list) ? list : String(list).split(',')).map((v, i) =>
          scalar(v, `${key}/$in/${i}`),
        )
        qb.whereIn(column, values)
      } else qb.where(column, scalar(raw, key))
    } else if (key === 'at' || key === 'id') {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw))
        throw new BadRequest(`Invalid query: ${key} takes $gt, $gte, $lt, $lte`, {
          errors: [{ path: `/${key}`, message: 'takes $gt, $gte, $lt, $lte' }],
        })
      for (const [op, v] of Object.entries(raw as Record<string, unknown>)) {
        const sql = RANGE[op]
        const text = scalar(v, `${key}/${op}`)
        const valid = key === 'at' ? !Number.isNaN(Date.parse(text)) : /^\d{1,18}$/.test(text)
        if (!sql || !valid)
          throw new BadRequest(
            `Invalid query: ${key}/${op} is not a valid ${key === 'at' ? 'ISO-8601 time' : 'id'} range`,
            { errors: [{ path: `/${key}/${op}`, message: 'is not valid' }] },
          )
        qb.where(key, sql, key === 'at' ? new Date(text).toISOString() : text)
      }
    } else
      throw new BadRequest(`Invalid query: ${key} is not a known field`, {
        errors: [{ path: `/${key}`, message: 'is not a known field' }],
      })
  }
}

/**
 * `api/audit`: read-only access to the audit trail, newest first.
 * @example app.service('api/audit').find({ query: { entity: 'customer', recordId: '5', at: { $gte: '2026-01-01T00:00:00Z' } } })
 */
export class AuditService {
  constructor(private readonly knex: Knex) {}

  async find(params?: Params): Promise<{ total: number; limit: number; skip: number; data: AuditRecord[] }> {
    const query = (params?.query ?? {}) as Record<string, unknown>
    const { $limit, $skip, $sort, ...rest } = query
    for (const k of Object.keys(rest))
      if (k.startsWith('$'))
        throw new BadRequest(`Invalid query: ${k} is not supported`, {
          errors: [{ path: `/${k}`, message: 'is not supported' }],
        })
    const limit = count($limit, '$limit', 50)
    if (limit > MAX_LIMIT)
      throw new BadRequest(`Invalid query: $limit must be at most ${MAX_LIMIT}`, {
        errors: [{ path: '/$limit', message: `must be at most ${MAX_LIMIT}` }],
      })
    const skip = count($skip, '$skip', 0)
    const order: Array<{ column: string; order: 'asc' | 'desc' }> = []
    if ($sort !== undefined) {
      if (!$sort || typeof $sort !== 'object')
        throw new BadRequest('Invalid query: $sort must be an object', {
          errors: [{ path: '/$sort', message: 'must be an object' }],
        })
      for (const [k, d] of Object.entries($sort as Record<string, unknown>)) {
        const column = SORT[k]
        if (!column || !['1', '-1'].includes(String(d)))
          throw new BadRequest(`Invalid query: $sort/${k} must be id or at, 1 or -1`, {
            errors: [{ path: `/$sort/${k}`, message: 'must be id or at, 1 or -1' }],
          })
        order.push({ column, order: String(d) === '1' ? 'asc' : 'desc' })
      }
    }
    if (!order.some((o) => o.column === 'id')) order.push({ column: 'id', order: 'desc' })
    const base = () => {
      const qb = this.knex(AUDIT_TABLE)
      applyQuery(qb, rest)
      return qb
    }
    const rows =
      limit === 0 ? [] : ((await base().select('*').orderBy(order).limit(limit).offset(skip)) as Row[])
    const total = Number(((await base().count({ c: '*' })) as Array<{ c: string | number }>)[0]?.c ?? 0)
    return { total, limit, skip, data: rows.map(toRecord) }
  }

  async get(id: Id): Promise<AuditRecord> {
    const text = String(id)
    if (!/^\d{1,18}$/.test(text))
      throw new BadRequest(`Invalid id "${text.slice(0, 40)}": must be a positive integer`, {
        errors: [{ path: '/id', message: 'must be a positive integer' }],
      })
    const row = (await this.knex(AUDIT_TABLE).where('id', text).first()) as Row | undefined
    if (!row) throw new NotFound(`No audit record with id ${text}`)
    return toRecord(row)
  }
}

/** Only admins and auditors read the audit trail (internal calls pass). */
export const auditorsOnly = (app: PlumeApp) => async (context: HookContext, next: NextFunction) => {
  if (context.params.provider) {
    const allowed = app.get('auditRoles') ?? DEFAULT_AUDIT_ROLES
    const roles = (context.params.user as { roles?: unknown } | undefined)?.roles
    if (!Array.isArray(roles) || !roles.some((r) => allowed.includes(r as string)))
      throw new Forbidden('Only admins and auditors may read the audit trail')
  }
  return next()
}

/** Mounts `api/audit` (find, get) and `api/audit/verify` (find → chain report). */
export function mountAuditServices(app: PlumeApp): void {
  const knex = app.get('db').knex
  const guard = [clientSafeErrors(), requireAuth(), auditorsOnly(app)]
  app.use(
    'api/audit/verify',
    { docs: auditVerifyDocs, find: (): Promise<ChainReport> => verifyAuditChain(knex) },
    { methods: ['find'], events: [] },
  )
  app.service('api/audit/verify').hooks({ around: { all: guard } })
  app.use('api/audit', Object.assign(new AuditService(knex), { docs: auditDocs }), {
    methods: ['find', 'get'],
    events: [],
  })
  app.service('api/audit').hooks({ around: { all: guard } })
}
