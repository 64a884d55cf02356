import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { contentText, jsonSafe, type AuditContent } from './canonical.js'
import { maskSecrets } from './mask.js'
import { prepared } from '../db/prepared.js'
import { defer } from '../db/commit.js'

/** How a change came in. */
export type AuditVia = 'rest' | 'socket' | 'api-key' | 'system'

/**
 * One audit event. Actor, via, client address and request id are taken from `params` when not
 * given; inside an audited transaction, internal calls inherit them from the outer request.
 */
export interface AuditEvent {
  /** `create`, `patch`, an action name (`submit`), `auth.login`, `permission.denied` … */
  action: string
  /** Entity name (`customer`) or area (`authentication`). */
  entity?: string | null
  recordId?: string | number | null
  actorId?: string | number | null
  /** Who, readable: the user's email (or the email a failed login tried). */
  actor?: string | null
  email?: string | null
  via?: AuditVia
  ip?: string | null
  requestId?: string | null
  /** `{ field: { before?, after? } }` for record changes; any JSON for other events. */
  changes?: unknown
  /** Extra facts (merged into `changes` when there are none); secret-looking keys are masked. */
  details?: Record<string, unknown>
  apiKeyId?: string | number
  /** Defaults to now; UTC. */
  at?: string | Date
  params?: Params
}

/** Who and where, as the transports put it on params. */
export interface RequestInfo {
  actorId: string | null
  actor: string | null
  via: AuditVia
  ip: string | null
  requestId: string | null
}

interface Entry extends AuditContent {
  content: string
}

interface Batch {
  entries: Array<Entry | null>
  request: RequestInfo
}

const text = (v: unknown, max = 500): string | null =>
  v === null || v === undefined || v === '' ? null : String(v).slice(0, max)

/**
 * Actor, via, ip and request id of a call.
 * @example requestInfo(context.params) // { actorId: '1', actor: 'admin@x', via: 'rest', ip: '127.0.0.1', requestId: '…' }
 */
export function requestInfo(params: Params | undefined): RequestInfo {
  const p = (params ?? {}) as CallParams
  const user = p.user as { id?: unknown; email?: unknown } | undefined
  const apiKey = p.apiKey as { id?: unknown; name?: unknown } | string | number | undefined
  const apiKeyId = apiKey && typeof apiKey === 'object' ? apiKey.id : apiKey
  const via: AuditVia = apiKey ? 'api-key' : p.provider === 'rest' ? 'rest' : p.provider ? 'socket' : 'system'
  return {
    actorId: text(user?.id, 64),
    actor:
      text(user?.email, 254) ?? (apiKeyId !== undefined ? `api-key:${String(apiKeyId).slice(0, 64)}` : null),
    via,
    ip: text(p.ip, 64),
    requestId: text(p.requestId, 128),
  }
}

type CallParams = Params & { user?: unknown; apiKey?: unknown; ip?: unknown; requestId?: unknown }

const isInternal = (params: CallParams | undefined) => !params?.provider && !params?.user && !params?.apiKey

function toEntry(event: AuditEvent, outer?: RequestInfo): Entry {
  const own = requestInfo(event.params)
  // an internal call inside an audited request acts for that request's caller
  const req = outer && isInternal(event.params) ? outer : own
  const at = event.at === undefined ? new Date() : new Date(event.at)
  const details =
    event.details || event.apiKeyId !== undefined
      ? maskSecrets({
          ...event.details,
          ...(event.apiKeyId !== undefined ? { apiKeyId: event.apiKeyId } : {}),
        })
      : undefined
  const changes = event.changes !== undefined ? event.changes : details
  const content: AuditContent = {
    at: (Number.isNaN(at.getTime()) ? new Date() : at).toISOString(),
    actorId: text(event.actorId, 64) ?? req.actorId,
    actor: text(event.actor ?? event.email, 254) ?? req.actor,
    via: event.via ?? (event.apiKeyId !== undefined ? 'api-key' : req.via),
    action: text(event.action, 100) ?? 'unknown',
    entity: text(event.entity, 100),
    recordId: text(event.recordId, 100),
    changes: changes === undefined ? null : jsonSafe(changes),
    requestId: text(event.requestId, 128) ?? req.requestId,
    ip: text(event.ip, 64) ?? req.ip,
  }
  return { ...content, content: contentText(content) }
}

async function append(db: Knex | Knex.Transaction, entries: Array<Entry | null>): Promise<void> {
  const list = entries.filter((e): e is Entry => e !== null)
  if (list.length)
    await prepared(db, db.raw('select plume_audit_append(?::jsonb)', [JSON.stringify(list)]), 'audit_append')
}

const batches = new WeakMap<Knex.Transaction, Batch>()

/**
 * Runs `work` with an audit batch open on `trx`: the event `own` describes comes first, then
 * every event recorded on `trx` meanwhile (nested service calls), all appended in one step at
 * the end. The append only stages them; they join the hash chain as the transaction commits
 * (schema.ts), so concurrent writes never wait for each other's round trips. Nested scopes join
 * the outer batch.
 * @example await auditScope(trx, requestInfo(params), () => handler(), (result) => ({ action: 'submit', entity: 'order', recordId: id }))
 */
export async function auditScope<T>(
  trx: Knex.Transaction,
  request: RequestInfo,
  work: () => Promise<T>,
  own: (result: T) => AuditEvent | null,
): Promise<T> {
  const outer = batches.get(trx)
  const batch = outer ?? { entries: [], request }
  if (!outer) batches.set(trx, batch)
  const slot = batch.entries.push(null) - 1
  try {
    const result = await work()
    const event = own(result)
    if (event) batch.entries[slot] = toEntry(event, outer ? batch.request : undefined)
    // deferred: the entries travel with the COMMIT, which chains them
    if (!outer) await defer(trx, append(trx, batch.entries))
    return result
  } finally {
    if (!outer) batches.delete(trx)
  }
}

/**
 * Writes one audit event. With `trx` it is part of that transaction (kept or rolled back with
 * it); without, it is written at once in its own transaction.
 * @example await recordAuditEvent(app, { action: 'permission.denied', entity: 'order', recordId: 7, params }, trx)
 */
export async function recordAuditEvent(
  app: PlumeApp,
  event: AuditEvent,
  trx?: Knex.Transaction,
): Promise<void> {
  const batch = trx ? batches.get(trx) : undefined
  const entry = toEntry(event, batch?.request)
  if (batch) batch.entries.push(entry)
  // outside a transaction the one statement is its own and is chained as it commits
  else await append(trx ?? app.get('db').knex, [entry])
}

/** The same, with a bare Knex (CLI tools without an app). */
export async function appendAuditEvent(knex: Knex | Knex.Transaction, event: AuditEvent): Promise<void> {
  await append(knex, [toEntry(event)])
}
