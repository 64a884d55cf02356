import { NotAuthenticated } from '@feathersjs/errors'
import {
  AuthenticationService,
  JWTStrategy,
  type AuthenticationRequest,
  type AuthenticationResult,
  type AuthenticationParams,
} from '@feathersjs/authentication'
import type { Params } from '@feathersjs/feathers'
import { randomUUID } from 'node:crypto'
import type { PlumeApp } from '../kernel/types.js'
import type { AuthRuntime } from './runtime.js'
import { dropConnections } from './connections.js'
import { mustChangePassword } from './password-change.js'

const decodePayload = (token: string): Record<string, unknown> => {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >
  } catch {
    return {}
  }
}

/**
 * `/api/authentication`: `create` signs in (local, refresh, or re-authenticates a socket with
 * `jwt`) and answers `{accessToken, refreshToken, user}` (plus `mustChangePassword: true` after
 * an admin's reset); `remove` (logout) revokes the access
 * token and every token of its login family, on every instance.
 */
export class PlumeAuthenticationService extends AuthenticationService {
  constructor(
    app: PlumeApp,
    private readonly runtime: AuthRuntime,
  ) {
    super(app, 'authentication')
  }

  override async create(
    data: AuthenticationRequest,
    params?: AuthenticationParams,
  ): Promise<AuthenticationResult> {
    const p = params ?? {}
    const strategies = p.authStrategies || this.configuration.authStrategies
    if (!strategies.length) throw new NotAuthenticated('No authentication strategies allowed')
    const result = await this.authenticate(data, p, ...strategies)
    // `jwt`: a socket authenticating with a token it already holds; nothing new is issued
    if (result.accessToken) return result
    const user = result.user as { id: number } | undefined
    if (!user) throw new NotAuthenticated('Invalid login')
    const family =
      typeof result.authentication?.family === 'string' ? result.authentication.family : randomUUID()
    const payload = { fam: family, iatMs: Date.now() }
    const accessToken = await this.createAccessToken(payload, { subject: String(user.id) })
    const refreshToken = await this.runtime.refresh.issue(user.id, family)
    // an admin reset the password: every other call is refused until the user changes it
    const mustChange = await mustChangePassword((this.app as unknown as PlumeApp).get('db').knex, user.id)
    return {
      accessToken,
      refreshToken,
      ...result,
      ...(mustChange ? { mustChangePassword: true } : {}),
      authentication: { strategy: result.authentication?.strategy, payload: decodePayload(accessToken) },
    }
  }

  override async remove(id: string | null, params?: AuthenticationParams): Promise<AuthenticationResult> {
    const authentication = params?.authentication as { accessToken?: string } | undefined
    const token = authentication?.accessToken
    if (!token || (id !== null && id !== token)) throw new NotAuthenticated('Invalid access token')
    const result = await this.authenticate({ strategy: 'jwt', accessToken: token }, params ?? {}, 'jwt')
    const payload = (result.authentication?.payload ?? {}) as {
      jti?: string
      exp?: number
      fam?: string
      sub?: string
    }
    const rt = this.runtime
    if (payload.jti && payload.exp) await rt.revocations.add('jti', payload.jti, new Date(payload.exp * 1000))
    if (payload.fam) {
      await rt.revocations.add('family', payload.fam, new Date(Date.now() + rt.config.accessTtl * 1000))
      await rt.refresh.revokeFamily(payload.fam)
    }
    rt.sessions().revoke(token)
    const userId = Number(payload.sub)
    if (Number.isInteger(userId))
      dropConnections(this.app as unknown as PlumeApp, userId, { family: payload.fam, token })
    await rt.audit({ action: 'auth.logout', actorId: Number.isInteger(userId) ? userId : null })
    return result
  }

  private purgeTimer: NodeJS.Timeout | undefined

  /** Starts the revocation log sync and the hourly clean-up of spent rows when the app starts serving. */
  override async setup(): Promise<void> {
    await super.setup()
    const logger = (this.app as unknown as PlumeApp).get('logger')
    const failed = (what: string) => (err: unknown) => logger?.debug({ err }, `${what} failed`)
    this.runtime.revocations.start(failed('revocation sync'))
    this.purgeTimer = setInterval(() => {
      this.runtime.throttle.purge().catch(failed('login attempt purge'))
      this.runtime.refresh.purge().catch(failed('refresh token purge'))
    }, 3_600_000)
    this.purgeTimer.unref()
  }

  async teardown(): Promise<void> {
    this.runtime.revocations.stop()
    if (this.purgeTimer) clearInterval(this.purgeTimer)
  }
}

/**
 * JWT strategy with Plume's checks (revocation log, `tokensValidAfter`, deactivated users), the
 * same ones the REST hook applies, so a socket cannot re-authenticate with a revoked token.
 */
export class PlumeJwtStrategy extends JWTStrategy {
  constructor(private readonly runtime: () => AuthRuntime) {
    super()
  }

  override async authenticate(authentication: AuthenticationRequest, _params: Params) {
    const { accessToken } = authentication
    if (typeof accessToken !== 'string' || !accessToken) throw new NotAuthenticated('No access token')
    const { user } = await this.runtime().sessions().authenticate(accessToken)
    return {
      accessToken,
      authentication: { strategy: 'jwt', accessToken, payload: decodePayload(accessToken) },
      user,
    }
  }
}
