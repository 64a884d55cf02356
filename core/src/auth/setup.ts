import { authenticate } from '@feathersjs/authentication'
import type { EntityDefinition } from '@plume/metadata'
import { randomBytes } from 'node:crypto'
import type { AroundHook, PlumeApp } from '../kernel/types.js'
import { apiKeySecurity } from './api-key-hooks.js'
import { ApiKeyAuthenticator } from './api-keys.js'
import { authConfig } from './config.js'
import { dropConnections } from './connections.js'
import { authenticationDocs, revokeApiKeyDocs } from './docs.js'
import { PlumeLocalStrategy } from './local.js'
import { RefreshStrategy } from './refresh.js'
import { authRuntime, createRuntime } from './runtime.js'
import { PlumeAuthenticationService, PlumeJwtStrategy } from './service.js'
import { SessionCache } from './session.js'
import { ensureAuthTables } from './tables.js'
import { userSecurity } from './user-hooks.js'
import { passwordWriteGuard } from './password-change.js'

export { authenticate }
export { requireAuth } from './session.js'
export { socketClientIp } from './client-ip.js'

/** The JWT secret: from `PLUME_JWT_SECRET`, else generated once and kept in the database. */
export async function jwtSecret(app: PlumeApp, fromEnv?: string): Promise<string> {
  if (fromEnv) return fromEnv
  const { knex } = app.get('db')
  await knex.raw('create table if not exists plume_settings (key text primary key, value text not null)')
  const row = (await knex('plume_settings').where({ key: 'jwtSecret' }).first()) as
    { value: string } | undefined
  if (row) return row.value
  const value = randomBytes(48).toString('base64url')
  await knex('plume_settings').insert({ key: 'jwtSecret', value }).onConflict('key').ignore()
  const again = (await knex('plume_settings').where({ key: 'jwtSecret' }).first()) as { value: string }
  return again.value
}

/**
 * Mounts `/api/authentication`: strategies `local` (email + password, throttled), `refresh`
 * (rotating refresh tokens) and `jwt`; HS256 pinned, issuer and audience `plume`, access tokens
 * for `accessTokenTtl` (else `PLUME_ACCESS_TTL`, default 15 min).
 * @example await setupAuthentication(app, secret)
 */
export async function setupAuthentication(
  app: PlumeApp,
  secret: string,
  accessTokenTtl?: string,
): Promise<void> {
  const config = authConfig(process.env, accessTokenTtl)
  await ensureAuthTables(app.get('db').knex)
  const runtime = createRuntime(app, config)
  await runtime.revocations.load()
  app.set('auth', runtime)
  app.set('authentication', {
    secret,
    entity: 'user',
    service: 'api/users',
    authStrategies: ['jwt', 'local', 'refresh'],
    jwtOptions: {
      header: { typ: 'access' },
      audience: 'plume',
      issuer: 'plume',
      algorithm: 'HS256',
      expiresIn: config.accessTtl,
    },
  })
  const auth = new PlumeAuthenticationService(app, runtime)
  auth.register('jwt', new PlumeJwtStrategy(() => runtime))
  auth.register('local', new PlumeLocalStrategy(() => runtime))
  auth.register('refresh', new RefreshStrategy(() => runtime))
  app.use('api/authentication', Object.assign(auth, { docs: authenticationDocs }))
}

/**
 * Session cache, API key authentication and the reactions to revocations from other instances
 * (needs the users service to exist).
 */
export function setupSessions(app: PlumeApp): void {
  const runtime = authRuntime(app)
  app.set('sessions', new SessionCache(app, runtime))
  const apiKey = app.get('entities').get('apiKey')
  if (apiKey && app.service(`api/${apiKey.plural}`)) {
    const keys = new ApiKeyAuthenticator(app, apiKey, runtime)
    runtime.apiKeys = keys
    // `POST /api/api-keys/:id/revoke`: the same as PATCH {revoked: true}, with the same checks
    app.use(`api/${apiKey.plural}/:id/revoke`, {
      docs: revokeApiKeyDocs,
      async create(_data: unknown, params: { route?: { id?: string } } & Record<string, unknown>) {
        const { route, query: _q, ...rest } = params
        return app.service(`api/${apiKey.plural}`).patch(route?.id ?? null, { revoked: true }, rest)
      },
    })
  }
  runtime.revocations.onRevoked((kind, value) => {
    if (kind === 'user') {
      const [id, at] = value.split(':').map(Number)
      if (id === undefined || !Number.isInteger(id)) return
      runtime.sessions().forgetUser(id)
      if (at !== undefined && Number.isFinite(at)) dropConnections(app, id, { issuedBeforeMs: at + 1 })
    } else if (kind === 'apiKey') runtime.apiKeys?.forget(Number(value))
  })
}

/** Hooks authentication adds to the services of its entities (users, API keys). */
export function authEntityHooks(entity: EntityDefinition): AroundHook[] {
  if (entity.name === 'user') return [userSecurity()]
  if (entity.name === 'apiKey') return [apiKeySecurity()]
  return []
}

/**
 * Hooks authentication adds to the writes of its entities after permissions, before the write's
 * transaction: the check of the current password when users change their own.
 */
export function authWriteGuards(entity: EntityDefinition): AroundHook[] {
  return entity.name === 'user' ? [passwordWriteGuard()] : []
}
