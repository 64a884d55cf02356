import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { dropConnections } from './connections.js'
import { assertPasswordPolicy, hashPassword } from './password.js'
import { afterPasswordWrite, passwordWriteOf } from './password-change.js'
import { authRuntime } from './runtime.js'

export const PARTNER_ROLES: ReadonlySet<string> = new Set(['partner_admin', 'partner_user'])

interface UserState {
  email?: unknown
  roles?: unknown
  partnerId?: unknown
  active?: unknown
}

/**
 * Partner roles need a partner, staff never have one, and one account is not both.
 * Returns `{path, message}` for the first problem.
 * @example rolesProblem(['partner_user'], null) // { path: '/partnerId', … }
 */
export function rolesProblem(
  roles: unknown,
  partnerId: unknown,
  hasPartnerField = true,
): { path: string; message: string } | undefined {
  const list = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : []
  const partner = list.filter((r) => PARTNER_ROLES.has(r))
  if (partner.length && partner.length < list.length) {
    return {
      path: '/roles',
      message: 'cannot mix partner roles (partner_admin, partner_user) with staff roles',
    }
  }
  if (!hasPartnerField) return undefined
  const hasPartner = partnerId !== null && partnerId !== undefined
  if (partner.length && !hasPartner)
    return { path: '/partnerId', message: 'is required for partner roles (partner_admin, partner_user)' }
  if (!partner.length && hasPartner)
    return { path: '/partnerId', message: 'must be empty for users without a partner role' }
  return undefined
}

const sameRoles = (a: unknown, b: unknown) =>
  JSON.stringify([...((a as string[] | undefined) ?? [])].sort()) ===
  JSON.stringify([...((b as string[] | undefined) ?? [])].sort())

/**
 * Voids every token of a user issued until now: access tokens (via `tokensValidAfter`), refresh
 * tokens, and this instance's realtime connections; other instances follow the revocation log.
 * Runs inside `trx` when given, so it commits with the change that caused it.
 */
export async function revokeUserSessions(
  app: PlumeApp,
  userId: number,
  trx?: Knex.Transaction,
): Promise<void> {
  const rt = authRuntime(app)
  const db = trx ?? app.get('db').knex
  const now = Date.now()
  await db('plume_user_sessions')
    .insert({ user_id: userId, tokens_valid_after: new Date(now) })
    .onConflict('user_id')
    .merge()
  await rt.refresh.revokeUser(userId, trx)
  await rt.revocations.add('user', `${userId}:${now}`, new Date(now + rt.config.accessTtl * 1000), trx)
  rt.sessions().forgetUser(userId)
  dropConnections(app, userId, { issuedBeforeMs: now + 1 })
  await rt.audit({ action: 'auth.sessions_revoked', actorId: userId }, trx)
}

/**
 * `attributes` are admin-set facts that rules read as the user's (the user's warehouse): a user
 * who is not an admin never writes their own, whatever the stored rules say (fail closed — an
 * older database may hold a self-service rule from before the field existed).
 */
function assertNotOwnAttributes(
  params: HookContext['params'],
  id: number | undefined,
  data: Record<string, unknown>,
): void {
  const caller = (params as { user?: { id?: unknown; roles?: unknown } }).user
  if (!params.provider || !('attributes' in data) || caller?.id === undefined || Number(caller.id) !== id)
    return
  if (Array.isArray(caller.roles) && caller.roles.includes('admin')) return
  throw new Forbidden('You may not change your own attributes: field "attributes" is set by administrators', {
    errors: [{ path: '/attributes', message: 'is set by administrators' }],
  })
}

/**
 * Around hook of the users service: password policy (client calls) and hashing, role/partner
 * consistency, and revocation of the user's sessions when the password, roles, partner or
 * `active` change, or the user is removed; a password set by someone else must be changed at
 * the next login (`password-change.ts`).
 */
export const userSecurity = () => async (context: HookContext, next: NextFunction) => {
  const app = context.app as PlumeApp
  const { method, params } = context
  const trx = (params as { transaction?: Knex.Transaction }).transaction
  const db = trx ?? app.get('db').knex
  const entity = app.get('entities').get('user')
  const hasPartnerField = Boolean(entity?.fields.partnerId)
  const id = context.id === null || context.id === undefined ? undefined : Number(context.id)
  let revoke = false
  const data = context.data as Record<string, unknown> | undefined
  if (
    (method === 'create' || method === 'update' || method === 'patch') &&
    data &&
    typeof data === 'object' &&
    !Array.isArray(data)
  ) {
    if (method !== 'create') assertNotOwnAttributes(params, id, data)
    let current: UserState | undefined
    if (method !== 'create' && id !== undefined && Number.isInteger(id)) {
      const cols = ['email', 'roles', 'active', ...(hasPartnerField ? ['partnerId'] : [])]
      current = (await db('users').select(cols).where({ id }).first()) as UserState | undefined
    }
    const merged: UserState = { ...current, ...data }
    if ('password' in data) {
      if (params.provider) assertPasswordPolicy(data.password, merged.email)
      if (typeof data.password === 'string') data.password = await hashPassword(data.password)
    }
    if (method !== 'patch' || 'roles' in data || 'partnerId' in data) {
      const problem = rolesProblem(merged.roles, merged.partnerId, hasPartnerField)
      if (problem)
        throw new BadRequest(`Invalid data: ${problem.path.slice(1)} ${problem.message}`, {
          errors: [problem],
        })
    }
    if (current) {
      revoke =
        'password' in data ||
        ('roles' in data && !sameRoles(data.roles, current.roles)) ||
        (hasPartnerField &&
          'partnerId' in data &&
          (data.partnerId ?? null) !== (current.partnerId ?? null)) ||
        ('active' in data && data.active === false && current.active !== false)
    }
  }
  await next()
  if (id !== undefined && Number.isInteger(id) && (revoke || method === 'remove'))
    await revokeUserSessions(app, id, trx)
  // an admin's reset makes the user change it at next login; their own change clears that
  const kind = passwordWriteOf(params)
  if (kind && id !== undefined && Number.isInteger(id)) {
    const actor = Number((params as { user?: { id?: unknown } }).user?.id)
    await afterPasswordWrite(app, kind, id, Number.isInteger(actor) ? actor : null, trx)
  }
}
