import { randomUUID } from 'node:crypto'
import { GeneralError } from '@feathersjs/errors'
import type { Knex } from 'knex'
import { auditScope, requestInfo } from '../audit/record.js'
import { heldEventCount, summarizeHeldEvents } from '../app/commit-events.js'
import type { PlumeApp } from '../kernel/types.js'
import { Barrier } from './bulk-barrier.js'
import { EntityService, type EntityParams, type Row } from './entity-service.js'

/** Records written per chunk: one multi-row INSERT and one audit append each. */
export const BULK_CHUNK = 500
/** Above this many records a bulk write emits one `imported` event instead of one event per record. */
export const BULK_EVENTS_MAX = 1000
/** The summary event of a large bulk write, on the entity's service: `{ entity, created, updated }`. */
export const BULK_EVENT = 'imported'
/** PostgreSQL allows 65,535 bind parameters per statement; a chunk stays below with room to spare. */
const MAX_BINDINGS = 60_000

/** One record to write: `create` it, or `patch` the record `id`. */
export interface BulkItem {
  id?: number
  data: Row
}

/** What became of one item: the record as the service answered it, or the error it failed with. */
export type BulkResult = { record: Row; created: boolean } | { error: unknown }

export interface BulkOptions {
  /** Stop after the first chunk with a failed item (a commit: everything is rolled back anyway). */
  stopOnError?: boolean
  /** Records per chunk (default {@link BULK_CHUNK}, fewer when the entity has many columns). */
  chunkSize?: number
  /** Per-record events up to this many written records (default {@link BULK_EVENTS_MAX}); above, one summary event. */
  eventsUpTo?: number
  /** Called after each chunk with the number of items done (progress, lease renewal). */
  onChunk?: (done: number) => Promise<void> | void
}

export interface BulkOutcome {
  /** One per item, in the items' order (undefined for items not reached after a stop). */
  results: Array<BulkResult | undefined>
  created: number
  updated: number
  failed: number
  /** The per-record events were replaced by one `imported` event. */
  summarized: boolean
}

/** The table's json/jsonb columns (a patch hands their values in as JSON text). */
async function jsonColumnsOf(trx: Knex.Transaction, table: string): Promise<Set<string>> {
  const res = (await trx.raw(
    `select attname from pg_attribute where attrelid = to_regclass(?) and attnum > 0 and not attisdropped and atttypid in ('json'::regtype, 'jsonb'::regtype)`,
    [table],
  )) as { rows: Array<{ attname: string }> }
  return new Set(res.rows.map((r) => r.attname))
}

/**
 * The stored rows a chunk patches, read and locked (`FOR UPDATE`) in one statement before its
 * calls run: the audit trail's row before each patch. A record patched twice in the chunk is left
 * out (each of its calls reads it itself).
 */
async function lockChunk(
  trx: Knex.Transaction,
  service: EntityService,
  part: BulkItem[],
): Promise<Map<number, Row>> {
  const seen = new Map<number, number>()
  for (const item of part) if (item.id !== undefined) seen.set(item.id, (seen.get(item.id) ?? 0) + 1)
  const ids = [...seen].filter(([, n]) => n === 1).map(([id]) => id)
  if (ids.length === 0) return new Map()
  const rows = (await trx(service.entity.table)
    .select(service.columns)
    .whereIn('id', ids)
    .orderBy('id')
    .forUpdate()) as Row[]
  return new Map(rows.map((r) => [Number(r.id), r]))
}

function chunkOf(service: EntityService, wanted?: number): number {
  const size = wanted ?? BULK_CHUNK
  return Math.max(1, Math.min(size, Math.floor(MAX_BINDINGS / Math.max(1, service.columns.length))))
}

/**
 * Writes many records of one service through its full service path — the caller's permissions
 * and row scope, the entity schema, plugin hooks, encryption, audit, automation — in the
 * transaction of `params`, with the SQL batched: the calls of a chunk run side by side and meet
 * at one multi-row INSERT (creates) or one UPDATE (patches, whose rows before are read and locked
 * in one SELECT); the chunk's audit entries are appended in one statement. A service
 * that is not an entity service (a custom one) is called one item after the other. Results come
 * back per item, so a caller can name the row that failed; nothing is committed here.
 * @example const out = await bulkWrite(app, 'api/customers', rows.map((data) => ({ data })), { ...params, transaction: trx })
 */
export async function bulkWrite(
  app: PlumeApp,
  path: string,
  items: BulkItem[],
  params: EntityParams & { requestId?: string },
  opts: BulkOptions = {},
): Promise<BulkOutcome> {
  const trx = params.transaction
  if (!trx) throw new GeneralError('A bulk write needs a transaction')
  const service = app.service(path) as unknown as {
    create(d: Row, p: EntityParams): Promise<Row>
    patch(id: number, d: Row, p: EntityParams): Promise<Row>
  }
  const entityService = service instanceof EntityService ? service : undefined
  const size = entityService ? chunkOf(entityService, opts.chunkSize) : 1
  // one request id for the whole write: its audit entries can be found together
  if (params.provider && !params.requestId) params.requestId = randomUUID()
  const out: BulkOutcome = {
    results: new Array<BulkResult | undefined>(items.length),
    created: 0,
    updated: 0,
    failed: 0,
    summarized: false,
  }
  const mark = heldEventCount(trx)
  const summary = { entity: entityService?.entity.name ?? path, created: 0, updated: 0 }
  const summarize = () => {
    if (out.created + out.updated <= (opts.eventsUpTo ?? BULK_EVENTS_MAX)) return
    Object.assign(summary, { created: out.created, updated: out.updated })
    out.summarized = summarizeHeldEvents(trx, mark, path, BULK_EVENT, summary, (event, data) =>
      app.service(path).emit(event, data),
    )
  }
  const table = entityService?.entity.table
  const jsonColumns =
    table && items.some((i) => i.id !== undefined) ? await jsonColumnsOf(trx, table) : new Set<string>()
  for (let at = 0; at < items.length; at += size) {
    const part = items.slice(at, at + size)
    const barrier = entityService
      ? new Barrier(
          entityService.entity.table,
          trx,
          part.length,
          jsonColumns,
          await lockChunk(trx, entityService, part),
        )
      : undefined
    await auditScope(
      trx,
      requestInfo(params),
      () =>
        Promise.all(
          part.map(async (item, k) => {
            const slot = barrier?.slot()
            const p: EntityParams = { ...params, ...(slot ? { bulk: slot } : {}) }
            // one call at a time and going on past failures: a failed call's own writes are undone
            const own = !barrier && !opts.stopOnError
            try {
              if (own) await trx.raw('savepoint plume_bulk_call')
              const record =
                item.id === undefined
                  ? await service.create(item.data, p)
                  : await service.patch(item.id, item.data, p)
              if (own) await trx.raw('release savepoint plume_bulk_call')
              out.results[at + k] = { record, created: item.id === undefined }
              if (item.id === undefined) out.created++
              else out.updated++
            } catch (error) {
              if (own) await trx.raw('rollback to savepoint plume_bulk_call')
              out.results[at + k] = { error }
              out.failed++
            } finally {
              if (slot) barrier!.settle(slot)
            }
          }),
        ),
      () => null,
    )
    // past the threshold, the held per-record events (each holding its call's context) go at once
    summarize()
    await opts.onChunk?.(Math.min(items.length, at + size))
    if (opts.stopOnError && out.failed > 0) break
  }
  return out
}
