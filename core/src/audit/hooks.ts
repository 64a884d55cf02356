import { randomUUID } from 'node:crypto'
import { BadRequest, GeneralError } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { fieldCodec, maskRow, maskRowKeepingClear, mayReveal } from '../crypto/fields.js'
import type { EntityParams, Row } from '../service/entity-service.js'
import { lockedRow } from '../service/locked-row.js'
import { fieldChanges } from './mask.js'
import { auditScope, requestInfo } from './record.js'
import { auditState, revealRoles } from './state.js'

const WRITES: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'remove'])
const ID = /^\d{1,10}$/

interface QueryError {
  path: string
  message: string
}

function findEncrypted(
  query: unknown,
  fields: ReadonlySet<string>,
  base: string,
  out: QueryError[],
  depth = 0,
): void {
  if (!query || typeof query !== 'object' || depth > 5) return
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    const path = `${base}/${key}`
    if (key === '$or' || key === '$and') {
      const items = Array.isArray(value)
        ? value
        : value && typeof value === 'object'
          ? Object.values(value)
          : []
      items.forEach((item, i) => findEncrypted(item, fields, `${path}/${i}`, out, depth + 1))
    } else if (key === '$sort' && value && typeof value === 'object') {
      for (const name of Object.keys(value))
        if (fields.has(name))
          out.push({ path: `${path}/${name}`, message: 'is encrypted and cannot be sorted on' })
    } else if (fields.has(key)) out.push({ path, message: 'is encrypted and cannot be filtered on' })
  }
}

/**
 * Guards an entity's encrypted fields: queries filtering or sorting on them are refused (400,
 * for every caller: ciphertext would silently match nothing), and external callers without a
 * reveal role get `***` in their place.
 */
export const protectEncrypted = (app: PlumeApp, fields: readonly string[]) => {
  const set: ReadonlySet<string> = new Set(fields)
  return async (context: HookContext, next: NextFunction) => {
    const errors: QueryError[] = []
    findEncrypted(context.params.query, set, '', errors)
    if (errors.length)
      throw new BadRequest(`Invalid query: ${errors[0]!.path.slice(1)} ${errors[0]!.message}`, { errors })
    await next()
    if (
      !context.params.provider ||
      mayReveal((context.params.user as { roles?: unknown } | undefined)?.roles, revealRoles(app))
    )
      return
    const result = context.result as unknown
    const rows = Array.isArray(result)
      ? result
      : result && typeof result === 'object' && Array.isArray((result as { data?: unknown }).data)
        ? (result as { data: unknown[] }).data
        : [result]
    // a write's result is also its realtime event: the clear values stay with it for per-recipient masking
    const mask = WRITES.has(context.method) ? maskRowKeepingClear : maskRow
    for (const row of rows) mask(row, fields)
  }
}

/**
 * The stored row before a change, locked (`FOR UPDATE`) and decoded like the service's results:
 * the write's locked row (service/locked-row.ts: read once for the whole chain, or the row an
 * in-process caller handed over), read here only for a write without one.
 */
async function rowBefore(
  trx: Knex.Transaction,
  entity: EntityDefinition,
  columns: string[],
  key: number,
  params: EntityParams,
  decode?: (row: Row) => Row,
): Promise<Row | undefined> {
  // a bulk write's chunk read and locked the rows it patches at once (as stored: decoded below)
  const chunk = params.bulk?.before?.(entity.table, key)
  const lock = chunk ? null : lockedRow(params)
  const locked = lock ? await lock : undefined
  const row =
    chunk ??
    (lock
      ? locked && Object.fromEntries(columns.map((c) => [c, locked[c]]))
      : ((await trx(entity.table).select(columns).where('id', key).forUpdate().first()) as Row | undefined))
  if (!row) return undefined
  for (const c of columns)
    if (entity.fields[c]?.type === 'number' && typeof row[c] === 'string') row[c] = Number(row[c])
  // the locked row comes decoded, as the service returns it
  return decode && !lock ? decode(row) : row
}

/**
 * Writes one audit row per create/update/patch/remove, in the write's transaction: actor, via,
 * request id and client address from params, the changed fields with before (read `FOR UPDATE`)
 * and after, sensitive values masked. A failed write rolls its audit row back with it.
 */
export const auditTrail = (app: PlumeApp, entity: EntityDefinition, encrypted: readonly string[]) => {
  const { masker, ring } = auditState(app)
  const columns = entity.fieldOrder.filter((n) => entity.fields[n]?.schema.writeOnly !== true)
  const codec = encrypted.length ? fieldCodec(encrypted, ring) : undefined
  return async (context: HookContext, next: NextFunction) => {
    if (!WRITES.has(context.method)) return next()
    const params = context.params as EntityParams & { requestId?: string }
    const trx = params.transaction
    if (!trx) throw new GeneralError('An audited write needs a transaction')
    if (params.provider && !params.requestId) params.requestId = randomUUID()
    const text = context.id === null || context.id === undefined ? '' : String(context.id)
    const key = context.method !== 'create' && ID.test(text) ? Number(text) : undefined
    const before =
      key === undefined ? undefined : await rowBefore(trx, entity, columns, key, params, codec?.decode)
    await auditScope(
      trx,
      requestInfo(params),
      () => next(),
      () => {
        const result = context.result as Row | undefined
        const after = context.method === 'remove' ? undefined : result
        return {
          action: context.method,
          entity: entity.name,
          recordId: key ?? (result?.id as number | undefined) ?? null,
          changes: fieldChanges(entity, masker, before, after, context.data as Row | undefined),
          params,
        }
      },
    )
  }
}
