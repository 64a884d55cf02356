import { AuthenticationService, JWTStrategy, authenticate } from '@feathersjs/authentication'
import { SessionCache } from './session.js'
import { hooks as localHooks } from '@feathersjs/authentication-local'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import { randomBytes } from 'node:crypto'
import type { PlumeApp } from '../app/types.js'
import { PlumeLocalStrategy } from './local.js'

export { authenticate }

/** The JWT secret: from `PLUME_JWT_SECRET`, else generated once and kept in the database. */
export async function jwtSecret(app: PlumeApp, fromEnv?: string): Promise<string> {
  if (fromEnv) return fromEnv
  const { knex } = app.get('db')
  await knex.raw('create table if not exists plume_settings (key text primary key, value text not null)')
  const row = (await knex('plume_settings').where({ key: 'jwtSecret' }).first()) as { value: string } | undefined
  if (row) return row.value
  const value = randomBytes(48).toString('base64url')
  await knex('plume_settings').insert({ key: 'jwtSecret', value }).onConflict('key').ignore()
  const again = (await knex('plume_settings').where({ key: 'jwtSecret' }).first()) as { value: string }
  return again.value
}

/** Mounts `/api/authentication` (local + JWT, HS256 pinned, short-lived tokens). */
export function setupAuthentication(app: PlumeApp, secret: string, expiresIn = '1h'): void {
  app.set('authentication', {
    secret,
    entity: 'user',
    service: 'api/users',
    authStrategies: ['jwt', 'local'],
    jwtOptions: { header: { typ: 'access' }, audience: 'plume', issuer: 'plume', algorithm: 'HS256', expiresIn },
    local: { usernameField: 'email', passwordField: 'password' },
  })
  const auth = new AuthenticationService(app, 'authentication')
  auth.register('jwt', new JWTStrategy())
  auth.register('local', new PlumeLocalStrategy(() => app.get('db')))
  app.use('api/authentication', auth)
}

/** Token and user caches for the auth hook (needs the users service to exist). */
export function setupSessions(app: PlumeApp): void {
  app.set('sessions', new SessionCache(app))
}

/** Hashes `password` on users create/update/patch before it reaches the database. */
export const hashUserPassword = () => async (context: HookContext, next: NextFunction) => {
  const data = context.data as Record<string, unknown> | undefined
  if (data && typeof data.password === 'string') await localHooks.hashPassword('password')(context)
  return next()
}

export { requireAuth } from './session.js'
