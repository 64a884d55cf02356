import type { HookContext } from '@feathersjs/feathers'
import type { PlumeApp } from '../kernel/types.js'
import type { ApiKeyAuthenticator } from './api-keys.js'
import { auditAuth } from './audit.js'
import type { AuthConfig } from './config.js'
import type { AuthCore } from './core.js'
import { RefreshTokens } from './refresh.js'
import { RevocationLog } from './revocations.js'
import type { ApiKeyPrincipal, SessionCache } from './session.js'
import { LoginThrottle } from './throttle.js'

/** Everything authentication keeps per app (`app.get('auth')`). */
export interface AuthRuntime extends AuthCore {
  throttle: LoginThrottle
  refresh: RefreshTokens
  /** The session cache (exists once the users service is registered). */
  sessions(): SessionCache
  /** API key authentication, when the `apiKey` entity is loaded. */
  apiKeys?: ApiKeyAuthenticator
  /** Embed sessions and the scope gate of embed principals (core/src/embed), once set up. */
  embed?: EmbedAuth
}

/** What `requireAuth` needs from the embed layer (kept as an interface: auth does not import it). */
export interface EmbedAuth {
  /** Whether a bearer token is an embed session token (`pes_…`) rather than a JWT. */
  isToken(token: string): boolean
  authenticate(token: string, origin: string | undefined): Promise<ApiKeyPrincipal>
  /** Throws unless the embed principal's scopes reach this call; pins a session's customer. */
  gate(context: HookContext): Promise<void>
}

export function createRuntime(app: PlumeApp, config: AuthConfig): AuthRuntime {
  const knex = () => app.get('db').knex
  return {
    config,
    throttle: new LoginThrottle(knex, config.throttle),
    refresh: new RefreshTokens(knex, config.refreshTtl),
    revocations: new RevocationLog(knex, config.revocationSyncMs),
    sessions() {
      const s = app.get('sessions')
      if (!s) throw new Error('sessions are not set up yet')
      return s
    },
    audit: (event, trx) => auditAuth(app, event, trx),
  }
}

/** The runtime of an app; throws when authentication is not set up. */
export function authRuntime(app: PlumeApp): AuthRuntime {
  const rt = app.get('auth')
  if (!rt) throw new Error('authentication is not set up')
  return rt
}
