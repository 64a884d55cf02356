import { BadRequest, Forbidden } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { verifyPassword } from './password.js'
import { authRuntime } from './runtime.js'
import { LoginThrottle } from './throttle.js'

/** Where the guard leaves what it learnt about a users write, for `userSecurity`. */
const KIND = Symbol('passwordWrite')

/** What a password write is: the caller's own change, or someone else's reset of it. */
export type PasswordWrite = 'own' | 'reset'

type GuardParams = Record<PropertyKey, unknown> & {
  provider?: string
  user?: { id?: unknown }
  ip?: unknown
  [KIND]?: PasswordWrite
}

/** The kind of password write the guard found on this call, if any. */
export const passwordWriteOf = (params: unknown): PasswordWrite | undefined => (params as GuardParams)[KIND]

/**
 * Guard of client patch/update on users, after permissions and before the write's transaction:
 * takes `currentPassword` out of the body (it is no field of the user) and, when the body sets
 * `password`, tells the caller's own change from someone else's reset. Changing one's own
 * password needs `currentPassword` (400 without it, 403 when wrong — failures count towards the
 * account's login lock and are audited) and a new password that differs from it.
 * @example write hooks of api/users: [...guard, passwordWriteGuard(), transaction(), …]
 */
export const passwordWriteGuard = () => async (context: HookContext, next: NextFunction) => {
  const params = context.params as GuardParams
  const data = context.data as Record<string, unknown> | undefined
  if (
    !params.provider ||
    (context.method !== 'patch' && context.method !== 'update') ||
    !data ||
    typeof data !== 'object' ||
    Array.isArray(data)
  )
    return next()
  const { currentPassword: current, ...rest } = data
  context.data = rest
  const id = Number(context.id)
  if (!('password' in rest) || !Number.isInteger(id)) return next()
  if (Number(params.user?.id) !== id) {
    params[KIND] = 'reset'
    return next()
  }
  await assertCurrentPassword(context.app as PlumeApp, id, current, params, rest.password)
  params[KIND] = 'own'
  return next()
}

async function assertCurrentPassword(
  app: PlumeApp,
  id: number,
  current: unknown,
  params: GuardParams,
  next: unknown,
): Promise<void> {
  if (typeof current !== 'string' || current === '') {
    throw new BadRequest('Invalid data: currentPassword is required to change your own password', {
      errors: [{ path: '/currentPassword', message: 'is required to change your own password' }],
    })
  }
  const row = (await app.get('db').knex('users').select('email', 'password').where({ id }).first()) as
    { email: string; password: string | null } | undefined
  const rt = authRuntime(app)
  const keys = LoginThrottle.keys(row?.email, typeof params.ip === 'string' ? params.ip : undefined)
  await rt.throttle.assertOpen(keys)
  if (!row?.password || !(await verifyPassword(current, row.password))) {
    await rt.throttle.failed(keys)
    await rt.audit({ action: 'auth.password_change_failed', actorId: id, params })
    throw new Forbidden('currentPassword is not your current password', {
      errors: [{ path: '/currentPassword', message: 'is not your current password' }],
    })
  }
  await rt.throttle.succeeded(keys)
  if (next === current) {
    throw new BadRequest('Invalid data: password must differ from the current password', {
      errors: [{ path: '/password', message: 'must differ from the current password' }],
    })
  }
}

/**
 * After the write (same transaction): a reset makes the user change the password at the next
 * login; their own change clears that. Both are audited. (The sessions were revoked by the caller.)
 */
export async function afterPasswordWrite(
  app: PlumeApp,
  kind: PasswordWrite,
  id: number,
  actorId: number | null,
  trx?: Knex.Transaction,
): Promise<void> {
  const db = trx ?? app.get('db').knex
  const must = kind === 'reset'
  await db('plume_user_sessions')
    .insert({ user_id: id, tokens_valid_after: new Date(), must_change_password: must })
    .onConflict('user_id')
    .merge(['must_change_password'])
  const rt = authRuntime(app)
  rt.sessions().forgetUser(id)
  await rt.audit(
    {
      action: must ? 'auth.password_reset' : 'auth.password_changed',
      actorId,
      details: { userId: id, changeAtNextLogin: must },
    },
    trx,
  )
}

/** Whether a user must change their password before anything else (set by an admin's reset). */
export async function mustChangePassword(db: Knex, userId: number): Promise<boolean> {
  const row = (await db('plume_user_sessions')
    .select('must_change_password')
    .where({ user_id: userId })
    .first()) as { must_change_password: boolean } | undefined
  return row?.must_change_password === true
}
