import { Forbidden, MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import type { RowScope } from '../service/sql.js'
import { badField, generateApiKey, type ApiKeyKind } from './api-keys.js'
import { authRuntime } from './runtime.js'
import type { Principal } from './session.js'
import { PARTNER_ROLES, rolesProblem } from './user-hooks.js'

interface KeyState {
  roles?: unknown
  partnerId?: unknown
  revoked?: unknown
  revokedAt?: unknown
}

/** Publishable and secret keys belong to one partner and list the web sites they serve. */
function embedKeyProblem(
  kind: ApiKeyKind,
  data: Record<string, unknown>,
): { path: string; message: string } | undefined {
  if (kind === 'api') return undefined
  if (typeof data.partnerId !== 'number')
    return { path: '/partnerId', message: `is required for a ${kind} key` }
  if (!Array.isArray(data.allowedOrigins) || data.allowedOrigins.length === 0)
    return { path: '/allowedOrigins', message: `must list the partner's web sites for a ${kind} key` }
  return undefined
}

const rolesOf = (p: Principal | undefined) => (Array.isArray(p?.roles) ? (p.roles as string[]) : [])

/**
 * Around hook of the api-keys service.
 * - Who: admins manage every key; a `partner_admin` manages the keys of their own partner, with
 *   roles they hold themselves. Callers authenticated by an API key manage none (403).
 * - create: generates the key, stores its hash and prefix, and answers the plaintext `key` once
 *   (the `created` event carries the record without it).
 * - patch `{revoked: true}` revokes for good (sets `revokedAt`); `revoked: false` afterwards is 400.
 * - update (PUT) is refused: it would blank the stored hash.
 */
export const apiKeySecurity = () => async (context: HookContext, next: NextFunction) => {
  const app = context.app as PlumeApp
  const { method, params } = context
  const caller = params.user as Principal | undefined
  const trx = (params as { transaction?: Knex.Transaction }).transaction
  const table = app.get('entities').get('apiKey')?.table ?? 'api_keys'
  if (method === 'update') throw new MethodNotAllowed('API keys cannot be replaced; use PATCH')
  let partnerScope: number | undefined
  if (params.provider) {
    if (params.via === 'api-key' || (caller && 'apiKeyId' in caller))
      throw new Forbidden('API keys cannot manage API keys')
    const roles = rolesOf(caller)
    if (!roles.includes('admin')) {
      const pid = caller?.partnerId
      if (!roles.includes('partner_admin') || typeof pid !== 'number')
        throw new Forbidden('Only admins and partner admins manage API keys')
      partnerScope = pid
      const outer = (params as { scope?: RowScope }).scope
      ;(params as { scope?: RowScope }).scope = (qb) => {
        outer?.(qb)
        qb.where(`${table}.partnerId`, pid)
      }
    }
  }
  const data = context.data as Record<string, unknown> | undefined
  const writing =
    (method === 'create' || method === 'patch') && data && typeof data === 'object' && !Array.isArray(data)
  if (writing && params.provider && 'keyHash' in data)
    throw badField('/keyHash', 'is managed by the server and cannot be written')
  if (writing && partnerScope !== undefined) {
    if (method === 'create') data.partnerId ??= partnerScope
    if ('partnerId' in data && data.partnerId !== partnerScope)
      throw new Forbidden('Partner admins manage keys of their own partner only')
    const own = new Set(rolesOf(caller))
    const asked = Array.isArray(data.roles) ? (data.roles as unknown[]) : []
    if (asked.some((r) => typeof r !== 'string' || !own.has(r) || !PARTNER_ROLES.has(r)))
      throw new Forbidden('A key can only get partner roles its creator holds')
  }
  if (writing && method === 'patch' && 'kind' in data)
    throw badField('/kind', 'cannot be changed; create a new key')
  if (method === 'create' && writing) {
    const kind = (data.kind ?? 'api') as ApiKeyKind
    // publishable keys are for a partner's web pages: a partner, its sites, the narrowest role
    if (kind === 'publishable') data.roles = ['partner_user']
    const problem = rolesProblem(data.roles ?? [], data.partnerId ?? null) ?? embedKeyProblem(kind, data)
    if (problem) throw badField(problem.path, problem.message)
    const { key, prefix, hash } = generateApiKey(kind)
    Object.assign(data, {
      prefix,
      keyHash: hash,
      createdById: caller && !('apiKeyId' in caller) ? caller.id : null,
    })
    if (data.revoked === true) data.revokedAt = new Date().toISOString()
    // the automatic `created` event would carry the result, and with it the plaintext key
    context.event = null
    await next()
    const record = { ...(context.result as Record<string, unknown>) }
    context.result = { ...record, key }
    context.self.emit(
      'created',
      record,
      Object.assign(Object.create(Object.getPrototypeOf(context) as object) as HookContext, context, {
        result: record,
        dispatch: record,
      }),
    )
    return
  }
  let revokedId: number | undefined
  if (method === 'patch' && writing) {
    const id = Number(context.id)
    const q = (trx ?? app.get('db').knex)(table)
      .select('roles', 'partnerId', 'revoked', 'revokedAt')
      .where({ id })
    if (partnerScope !== undefined) q.where({ partnerId: partnerScope })
    const current = (await q.first()) as KeyState | undefined
    if (current) {
      if ('roles' in data || 'partnerId' in data) {
        const problem = rolesProblem(
          data.roles ?? current.roles,
          'partnerId' in data ? data.partnerId : current.partnerId,
        )
        if (problem) throw badField(problem.path, problem.message)
      }
      const wasRevoked = Boolean(current.revoked || current.revokedAt)
      if (data.revoked === false && wasRevoked)
        throw badField('/revoked', 'a revoked key cannot be restored; create a new key')
      if (data.revoked === true && !wasRevoked) {
        data.revokedAt = new Date().toISOString()
        revokedId = id
      } else if (data.revoked === true) delete data.revoked
    }
  }
  await next()
  const removedId =
    method === 'remove' ? Number((context.result as { id?: unknown } | undefined)?.id) : undefined
  const gone = revokedId ?? (Number.isInteger(removedId) ? removedId : undefined)
  if (gone !== undefined) {
    const rt = authRuntime(app)
    rt.apiKeys?.forget(gone)
    await rt.revocations.add('apiKey', String(gone), new Date(Date.now() + 3_600_000), trx)
  }
}
