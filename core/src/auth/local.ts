import { NotAuthenticated } from '@feathersjs/errors'
import {
  AuthenticationBaseStrategy,
  type AuthenticationRequest,
  type AuthenticationResult,
} from '@feathersjs/authentication'
import type { Params } from '@feathersjs/feathers'
import { setTimeout as sleep } from 'node:timers/promises'
import type { PlumeApp } from '../kernel/types.js'
import { hashPassword, needsRehash, verifyDummy, verifyPassword } from './password.js'
import type { AuthRuntime } from './runtime.js'
import { LoginThrottle } from './throttle.js'

interface UserRow {
  id: number
  password: string | null
  active: boolean | null
}

/**
 * Email + password login. Reads the hash straight from the users table (the users service never
 * returns it), throttles failures per account and per client address (429 + Retry-After once
 * locked), and answers every failure — unknown email, wrong password, deactivated user — with
 * the same 401 after the same work, so the answer never tells whether an email exists.
 */
export class PlumeLocalStrategy extends AuthenticationBaseStrategy {
  constructor(private readonly runtime: () => AuthRuntime) {
    super()
  }

  async authenticate(data: AuthenticationRequest, params: Params): Promise<AuthenticationResult> {
    const app = this.app as unknown as PlumeApp
    const rt = this.runtime()
    const { email, password } = data as { email?: unknown; password?: unknown }
    const { ip: rawIp } = params as { ip?: unknown }
    const ip = typeof rawIp === 'string' ? rawIp : undefined
    const keys = LoginThrottle.keys(email, ip)
    try {
      await rt.throttle.assertOpen(keys)
    } catch (err) {
      await rt.audit({
        action: 'auth.login_locked',
        email: typeof email === 'string' ? email : undefined,
        ip,
        params,
      })
      throw err
    }
    const knex = app.get('db').knex
    const row =
      typeof email === 'string' && email
        ? ((await knex('users')
            .select('id', 'password', 'active')
            .whereRaw('lower(??) = lower(?)', ['email', email])
            .first()) as UserRow | undefined)
        : undefined
    const pw = typeof password === 'string' ? password : ''
    const ok =
      row && row.active !== false && row.password && pw
        ? await verifyPassword(pw, row.password)
        : await verifyDummy(pw)
    if (!ok || !row) {
      const failures = await rt.throttle.failed(keys)
      await rt.audit({
        action: 'auth.login_failed',
        actorId: row?.id ?? null,
        email: typeof email === 'string' ? email : undefined,
        ip,
        params,
      })
      await sleep(rt.throttle.delayFor(failures))
      throw new NotAuthenticated('Invalid login')
    }
    await rt.throttle.succeeded(keys)
    const entity = app.get('entities').get('user')
    const set: Record<string, unknown> = {}
    if (needsRehash(row.password!)) set.password = await hashPassword(pw)
    if (entity?.fields.lastLoginAt) set.lastLoginAt = knex.fn.now()
    if (Object.keys(set).length) await knex('users').where({ id: row.id }).update(set)
    const { provider: _p, ...internal } = params
    const user = (await app.service('api/users').get(row.id, internal)) as Record<string, unknown>
    await rt.audit({ action: 'auth.login', actorId: row.id, ip, params })
    return { authentication: { strategy: 'local' }, user }
  }
}
