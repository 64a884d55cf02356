import { Forbidden, NotFound, TooManyRequests } from '@feathersjs/errors'
import type { HookContext } from '@feathersjs/feathers'
import type { EntityDefinition } from '@plume/metadata'
import type { PlumeApp } from '../kernel/types.js'
import type { ApiKeyPrincipal, EmbedGrant } from '../auth/session.js'
import { andScope } from '../permissions/fields.js'
import type { RowScope } from '../service/sql.js'
import { allowedByScopes, PUBLISHABLE_SCOPES } from './scopes.js'

/**
 * Requests per minute per publishable key or embed session (`PLUME_EMBED_RATE_LIMIT`, default
 * 600), counted per instance in fixed one-minute windows.
 */
export class EmbedRateLimit {
  private windows = new Map<string, { start: number; count: number }>()
  constructor(readonly perMinute: number) {}

  /** Counts one request; throws 429 with `retryAfter` seconds once the window is full. */
  hit(key: string, now = Date.now()): void {
    let w = this.windows.get(key)
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 50_000) this.windows.clear()
      w = { start: now, count: 0 }
      this.windows.set(key, w)
    }
    w.count += 1
    if (w.count > this.perMinute) {
      const retryAfter = Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000))
      throw new TooManyRequests('Too many requests for this embed key or session. Try again later.', {
        retryAfter,
      })
    }
  }
}

const routeId = (context: HookContext) => (context.params as { route?: { id?: string } }).route?.id

/** The entity served at a path (`api/orders` or an action `api/orders/:id/submit`). */
function entityAt(app: PlumeApp, path: string): EntityDefinition | undefined {
  const base = path.replace(/\/:id\/[^/]+$/, '')
  for (const e of app.get('entities').values()) if (`api/${e.plural}` === base) return e
  return undefined
}

const forbidField = (path: string, message: string) =>
  new Forbidden(`Not allowed: ${path.slice(1)} ${message}`, { errors: [{ path, message }] })

/**
 * A session bound to one customer sees and writes that customer's records only: every entity
 * with a `customerId` (and the customer itself) is scoped to it in SQL, a body naming another
 * customer is refused (403 naming the field), a missing one is filled in, and a record action
 * must be on one of its records (else 404, as missing).
 */
async function pinCustomer(app: PlumeApp, context: HookContext, customerId: number): Promise<void> {
  const entity = entityAt(app, context.path)
  const params = context.params as { scope?: RowScope }
  const data = context.data as Record<string, unknown> | undefined
  const body = data && typeof data === 'object' && !Array.isArray(data) ? data : undefined
  if (context.path.includes('/:id/')) {
    if (!entity?.fields.customerId) throw new Forbidden('This embed session may not run actions here')
    const row = (await app
      .get('db')
      .knex(entity.table)
      .select('customerId')
      .where({ id: Number(routeId(context)) })
      .first()) as { customerId: number | null } | undefined
    if (!row || Number(row.customerId) !== customerId)
      throw new NotFound(`No ${entity.name} with id ${String(routeId(context))}`)
    return
  }
  const field = entity?.name === 'customer' ? 'id' : 'customerId'
  // records that name no customer are the partner's catalog, or out of a one-customer session's reach (fail closed)
  if (
    entity &&
    field === 'customerId' &&
    !entity.fields.customerId &&
    !allowedByScopes(context.path, context.method, PUBLISHABLE_SCOPES)
  ) {
    throw new Forbidden(
      `This embed session is for one customer: ${entity.plural} are not bound to a customer`,
    )
  }
  if (entity && (field === 'id' || entity.fields.customerId)) {
    const column = `${entity.table}.${field}`
    params.scope = andScope(params.scope, (qb) => void qb.where(column, customerId))
  }
  // writes and custom services taking a customer (a price quote) act for the bound customer only
  if (body && context.method !== 'find' && context.method !== 'get' && field === 'customerId') {
    if ('customerId' in body && body.customerId !== customerId)
      throw forbidField('/customerId', 'must be the customer of this embed session')
    if (context.method === 'create') body.customerId = customerId
  }
}

/**
 * The gate of embed principals, run by `requireAuth` once the caller is known: the call must be
 * one its scopes list (else 403), within the rate limit (else 429), and a session bound to a
 * customer is pinned to it.
 */
export function embedGate(app: PlumeApp, limit: EmbedRateLimit) {
  return async (context: HookContext): Promise<void> => {
    const user = context.params.user as ApiKeyPrincipal
    const grant = user.embed as EmbedGrant
    const what = grant.kind === 'publishable' ? 'publishable key' : 'embed session'
    if (!allowedByScopes(context.path, context.method, grant.scopes)) {
      throw new Forbidden(
        `This ${what} may not ${context.method} ${context.path} (scopes: ${grant.scopes.join(', ') || 'none'})`,
      )
    }
    limit.hit(grant.kind === 'publishable' ? `k${user.apiKeyId}` : `s${String(grant.sessionId)}`)
    if (grant.customerId != null) await pinCustomer(app, context, grant.customerId)
  }
}
