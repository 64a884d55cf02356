import { Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { AuthenticationService } from '@feathersjs/authentication'
import type { PlumeApp } from '../kernel/types.js'
import type { AuthCore } from './core.js'

export type SessionUser = Record<string, unknown> & {
  id: number
  roles?: string[]
  partnerId?: number | null
  active?: boolean
}

/**
 * Who is calling, as `params.user`: a user (signed in with a token) or an API key acting for its
 * owner (`id` is the key's creator or null, `apiKeyId` set, roles and partner from the key).
 * Permission rules read `id`, `roles` and `partnerId`.
 */
export type Principal = SessionUser | ApiKeyPrincipal
export interface ApiKeyPrincipal {
  id: number | null
  apiKeyId: number
  roles: string[]
  partnerId: number | null
  /** Set for a publishable key or an embed session: what it may call (core/src/embed). */
  embed?: EmbedGrant
  /** Set for a secret key (`sk_…`): it may mint embed sessions. */
  secretKey?: true
}

/** What an embed principal may reach: its scopes, and the one customer a session may be bound to. */
export interface EmbedGrant {
  kind: 'publishable' | 'session'
  scopes: string[]
  customerId: number | null
  sessionId?: number
}

/** The claims Plume relies on in an access token. */
export interface AccessClaims {
  sub: number
  jti: string
  exp: number
  /** Login family (shared with the refresh tokens of the same sign-in). */
  fam?: string
  /** Issue time in milliseconds (JWT `iat` has whole seconds only). */
  issuedMs: number
}

const MAX_TOKENS = 10_000
const USER_TTL_MS = 30_000

/** Issue time of a token payload in ms: `iatMs` when present, else `iat` seconds. */
export function issuedAtMs(payload: { iat?: unknown; iatMs?: unknown }): number {
  const iat = Number(payload.iat)
  const ms = Number(payload.iatMs)
  if (Number.isFinite(ms) && Number.isFinite(iat) && Math.floor(ms / 1000) === iat) return ms
  return Number.isFinite(iat) ? iat * 1000 : 0
}

/**
 * Resolves bearer tokens to users with two small caches: verified tokens (until they expire)
 * and users by id (briefly, and dropped the moment the user changes). This keeps the JWT check
 * and the user lookup off the hot path of every request without weakening revocation: the
 * revocation log (logout, reused refresh token) is checked in memory on every request, and a
 * user's `tokensValidAfter` travels with the cached user.
 */
export class SessionCache {
  private tokens = new Map<string, AccessClaims>()
  private users = new Map<
    number,
    { user: SessionUser; validAfterMs: number; at: number; mustChange: boolean }
  >()

  constructor(
    private readonly app: PlumeApp,
    private readonly runtime: AuthCore,
  ) {
    const drop = (u: { id?: unknown }) => this.forgetUser(Number(u?.id))
    const users = app.service('api/users')
    users.on('patched', drop)
    users.on('updated', drop)
    users.on('removed', drop)
  }

  forgetUser(id: number): void {
    this.users.delete(id)
  }

  /** Whether a user whose token was just resolved must change their password first (an admin reset it). */
  mustChange(id: number): boolean {
    return this.users.get(id)?.mustChange === true
  }

  /** Stops a token here at once (the caller also records it in the revocation log). */
  revoke(token: string): void {
    this.tokens.delete(token)
  }

  isRevoked(claims: Pick<AccessClaims, 'jti' | 'fam'>): boolean {
    const log = this.runtime.revocations
    return log.has('jti', claims.jti) || (claims.fam !== undefined && log.has('family', claims.fam))
  }

  /** Verifies signature (HS256 only), issuer, audience and expiry, and the revocation log. */
  async verify(token: string): Promise<AccessClaims> {
    await this.runtime.revocations.syncIfStale()
    const now = Date.now() / 1000
    let claims = this.tokens.get(token)
    if (!claims || claims.exp <= now) {
      this.tokens.delete(token)
      const auth = this.app.service('api/authentication') as unknown as AuthenticationService
      const payload = (await auth.verifyAccessToken(token)) as Record<string, unknown>
      const sub = Number(payload.sub)
      if (
        !Number.isInteger(sub) ||
        typeof payload.exp !== 'number' ||
        typeof payload.jti !== 'string' ||
        typeof payload.iat !== 'number'
      ) {
        throw new NotAuthenticated('Invalid token')
      }
      claims = {
        sub,
        jti: payload.jti,
        exp: payload.exp,
        fam: typeof payload.fam === 'string' ? payload.fam : undefined,
        issuedMs: issuedAtMs(payload),
      }
      if (this.tokens.size >= MAX_TOKENS) this.tokens.clear()
      this.tokens.set(token, claims)
    }
    if (this.isRevoked(claims)) {
      this.tokens.delete(token)
      throw new NotAuthenticated('Token revoked')
    }
    return claims
  }

  /** The user and the time before which their tokens are void. */
  async user(id: number): Promise<{ user: SessionUser; validAfterMs: number }> {
    const hit = this.users.get(id)
    if (hit && Date.now() - hit.at < USER_TTL_MS) return hit
    const [user, row] = await Promise.all([
      this.app.service('api/users').get(id) as Promise<SessionUser>,
      this.app
        .get('db')
        .knex('plume_user_sessions')
        .select('tokens_valid_after', 'must_change_password')
        .where({ user_id: id })
        .first() as Promise<{ tokens_valid_after: Date | string; must_change_password: boolean } | undefined>,
    ])
    const entry = {
      user,
      validAfterMs: row ? new Date(row.tokens_valid_after).getTime() : 0,
      at: Date.now(),
      mustChange: row?.must_change_password === true,
    }
    this.users.set(id, entry)
    return entry
  }

  /**
   * The caller of a token when everything needed is already known — verified token, fresh user,
   * an up-to-date revocation log — with the same checks as `authenticate`, without waiting on
   * anything. Undefined sends the caller to `authenticate`.
   */
  cached(token: string): SessionUser | undefined {
    const claims = this.tokens.get(token)
    const hit = claims && this.users.get(claims.sub)
    if (
      !claims ||
      !hit ||
      claims.exp <= Date.now() / 1000 ||
      Date.now() - hit.at >= USER_TTL_MS ||
      this.runtime.revocations.isStale()
    )
      return undefined
    if (this.isRevoked(claims)) return undefined
    return usable(claims, hit) ? hit.user : undefined
  }

  /** A verified token's claims and its active user; 401 for anything else. */
  async authenticate(token: string): Promise<{ claims: AccessClaims; user: SessionUser }> {
    const claims = await this.verify(token).catch((err: unknown) => {
      throw err instanceof NotAuthenticated ? err : new NotAuthenticated('Invalid token')
    })
    let entry: { user: SessionUser; validAfterMs: number }
    try {
      entry = await this.user(claims.sub)
    } catch {
      throw new NotAuthenticated('Unknown user')
    }
    usable(claims, entry, true)
    return { claims, user: entry.user }
  }
}

/** Whether a token's user may act: active, and the token not issued before their tokens were voided. */
function usable(
  claims: AccessClaims,
  entry: { user: SessionUser; validAfterMs: number },
  raise = false,
): boolean {
  const why =
    entry.user.active === false
      ? 'User is deactivated'
      : claims.issuedMs < entry.validAfterMs
        ? 'Token revoked'
        : undefined
  if (why && raise) throw new NotAuthenticated(why)
  return !why
}

const header = (headers: unknown, name: string): string | undefined => {
  const v = (headers as Record<string, unknown> | undefined)?.[name]
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined
}

/** Reading or patching one's own user record: all a user whose password was reset may do. */
const ownUserRecord = (context: HookContext, id: number) =>
  context.path === 'api/users' &&
  (context.method === 'get' || context.method === 'patch') &&
  String(context.id) === String(id)

const passwordChangeRequired = (id: number) =>
  new Forbidden(
    `Your password was reset: change it first (PATCH /api/users/${id} with password and currentPassword)`,
    { reason: 'password-change-required' },
  )

/**
 * Requires a caller on calls from outside and puts it on `params.user`: a bearer token (REST
 * header or socket login, `params.via = 'jwt'`) or, over REST, an `X-Api-Key` header
 * (`params.via = 'api-key'`), or an embed session token as bearer (`pes_…`, `params.via = 'embed'`).
 * Publishable keys and embed sessions then pass the embed gate (core/src/embed): their scopes.
 * Internal calls carry no provider and pass.
 */
export const requireAuth = () => async (context: HookContext, next: NextFunction) => {
  const params = context.params
  if (!params.provider || params.authenticated === true) return next()
  const app = context.app as PlumeApp
  const token = (params.authentication as { accessToken?: string } | undefined)?.accessToken
  // a service calling another on behalf of its key- or embed-authenticated caller (a price quote
  // creating its draft order): the caller was authenticated and scope-checked by the outer call
  if (!params.headers && isKeyPrincipal(params.user)) return next()
  const embed = app.get('auth')?.embed
  if (token && embed?.isToken(token)) {
    const principal = await embed.authenticate(token, header(params.headers, 'origin'))
    params.user = principal
    params.via = 'embed'
    params.apiKey = { id: principal.apiKeyId }
  } else if (token) {
    const cache = app.get('sessions')
    if (!cache) throw new Error('sessions are not set up yet')
    const user = cache.cached(token) ?? (await cache.authenticate(token)).user
    if (cache.mustChange(user.id) && !ownUserRecord(context, user.id)) throw passwordChangeRequired(user.id)
    params.user = user
    params.via = 'jwt'
  } else {
    const key = params.provider === 'rest' ? header(params.headers, 'x-api-key') : undefined
    const keys = app.get('auth')?.apiKeys
    if (!key || !keys) throw new NotAuthenticated('Not authenticated')
    const principal = await keys.authenticate(key, header(params.headers, 'origin'))
    params.user = principal
    params.via = 'api-key'
    params.apiKey = { id: principal.apiKeyId }
  }
  params.authenticated = true
  // publishable keys and embed sessions reach only what their scopes list (fail closed)
  if (isKeyPrincipal(params.user) && params.user.embed) {
    if (!embed) throw new Forbidden('Embed keys are not enabled on this server')
    await embed.gate(context)
  }
  return next()
}

const isKeyPrincipal = (user: unknown): user is ApiKeyPrincipal =>
  typeof user === 'object' && user !== null && typeof (user as { apiKeyId?: unknown }).apiKeyId === 'number'
