import { BadRequest, NotFound } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { PlumeApp } from '../kernel/types.js'
import type { Row } from '../service/entity-service.js'
import { userFact, type PermissionEngine } from './engine.js'
import { filterToQuery } from './row.js'
import type { Effect } from './types.js'

export interface Explanation {
  allowed: boolean
  reason?: string
  matched: Array<{ rule: string; effect: Effect }>
  errors: Array<{ rule: string; message: string }>
  /** The row condition pushed into SQL (`$or` of the grants' rows); `null` = every row. */
  rowCondition: Record<string, unknown> | null
  /** Hidden on every row. */
  hidden: string[]
  /** Hidden except on rows matching one of these conditions. */
  hiddenUnless: Record<string, Array<Record<string, unknown>>>
  /** Read-only under every grant (a write including one is refused). */
  readOnly: string[]
  grants: Array<{ rule: string; row: Record<string, unknown> | null; hidden: string[]; readOnly: string[] }>
  /** With `recordId`: whether that record lies inside `rowCondition`. */
  record?: { id: number; exists: boolean; inScope: boolean }
}

const ID = /^\d{1,10}$/

/**
 * `GET /api/permissions/explain?userId=&action=&entity=&recordId=`: what the rules decide for a
 * user, which rules matched, and the resulting row condition and field rules.
 */
export class ExplainService {
  constructor(
    private readonly app: PlumeApp,
    private readonly engine: () => PermissionEngine,
  ) {}

  async find(params: Params = {}): Promise<Explanation> {
    const q = (params.query ?? {}) as Record<string, unknown>
    const errors: Array<{ path: string; message: string }> = []
    for (const k of Object.keys(q))
      if (!['userId', 'action', 'entity', 'recordId'].includes(k))
        errors.push({ path: `/${k}`, message: 'is not supported' })
    if (!ID.test(String(q.userId ?? ''))) errors.push({ path: '/userId', message: 'is required: a user id' })
    if (typeof q.action !== 'string' || !q.action)
      errors.push({ path: '/action', message: 'is required, e.g. get or orders:submit' })
    if (typeof q.entity !== 'string' || !q.entity)
      errors.push({ path: '/entity', message: 'is required, e.g. order' })
    if (q.recordId !== undefined && !ID.test(String(q.recordId)))
      errors.push({ path: '/recordId', message: 'must be a positive integer' })
    if (errors.length)
      throw new BadRequest(`Invalid query: ${errors[0]!.path.slice(1)} ${errors[0]!.message}`, { errors })
    const action = String(q.action)
    const entityName = String(q.entity)
    const userRow = await this.app
      .service('api/users')
      .get(Number(q.userId))
      .catch(() => {
        throw new NotFound(`No user with id ${String(q.userId)}`)
      })
    const user = userFact(userRow)!
    const entity = this.app.get('entities').get(entityName)
    const engine = this.engine()
    let record: Row | undefined
    if (entity && q.recordId !== undefined) {
      record = (await this.app
        .service(`api/${entity.plural}`)
        .get(Number(q.recordId))
        .catch(() => undefined)) as Row | undefined
    }
    const d = engine.decide(entityName, action, user, { data: {}, ...(record ? { record } : {}) })
    const readOnly = d.grants.length
      ? [...d.grants[0]!.readOnly].filter((f) => d.grants.every((g) => g.readOnly.has(f)))
      : []
    const out: Explanation = {
      allowed: d.allowed,
      ...(d.reason ? { reason: d.reason } : {}),
      matched: d.matched,
      errors: d.errors,
      rowCondition:
        d.filters === null
          ? null
          : d.filters.length === 1
            ? filterToQuery(d.filters[0]!)
            : { $or: d.filters.map(filterToQuery) },
      hidden: [...d.hidden],
      hiddenUnless: Object.fromEntries([...d.guarded].map(([f, gs]) => [f, gs.map(filterToQuery)])),
      readOnly,
      grants: d.grants.map((g) => ({
        rule: g.rule,
        row: g.filter ? filterToQuery(g.filter) : null,
        hidden: [...g.hidden],
        readOnly: [...g.readOnly],
      })),
    }
    if (entity && q.recordId !== undefined) {
      const id = Number(q.recordId)
      const inScope =
        d.allowed &&
        !!record &&
        (await this.app
          .service(`api/${entity.plural}`)
          .get(id, { scope: d.scope })
          .then(
            () => true,
            () => false,
          ))
      out.record = { id, exists: !!record, inScope }
    }
    return out
  }
}
