import { NotAuthenticated } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '@feathersjs/feathers'
import type { AuthenticationService } from '@feathersjs/authentication'
import type { PlumeApp } from '../app/types.js'

export type SessionUser = Record<string, unknown> & { id: number; roles?: string[]; partnerId?: number | null; active?: boolean }

interface CachedToken {
  sub: number
  exp: number
}

const MAX_TOKENS = 10_000
const USER_TTL_MS = 30_000

/**
 * Resolves bearer tokens to users with two small caches: verified tokens (until they expire)
 * and users by id (briefly, and dropped the moment the user changes). This keeps the JWT check
 * and the user lookup off the hot path of every request without weakening revocation:
 * `revoke()` and any change to a user take effect on the next request.
 */
export class SessionCache {
  private tokens = new Map<string, CachedToken>()
  private users = new Map<number, { user: SessionUser; at: number }>()
  private revoked = new Set<string>()

  constructor(private readonly app: PlumeApp) {
    const drop = (u: { id?: unknown }) => this.forgetUser(Number(u?.id))
    const users = app.service('api/users')
    users.on('patched', drop)
    users.on('updated', drop)
    users.on('removed', drop)
  }

  forgetUser(id: number): void {
    this.users.delete(id)
  }

  revoke(token: string): void {
    this.revoked.add(token)
    this.tokens.delete(token)
  }

  isRevoked(token: string): boolean {
    return this.revoked.has(token)
  }

  async verify(token: string): Promise<CachedToken> {
    const now = Date.now() / 1000
    const hit = this.tokens.get(token)
    if (hit && hit.exp > now) return hit
    if (this.revoked.has(token)) throw new NotAuthenticated('Token revoked')
    const auth = this.app.service('api/authentication') as unknown as AuthenticationService
    const payload = (await auth.verifyAccessToken(token)) as { sub?: string; exp?: number }
    const sub = Number(payload.sub)
    if (!Number.isInteger(sub) || !payload.exp) throw new NotAuthenticated('Invalid token')
    if (this.tokens.size >= MAX_TOKENS) this.tokens.clear()
    const entry = { sub, exp: payload.exp }
    this.tokens.set(token, entry)
    return entry
  }

  async user(id: number): Promise<SessionUser> {
    const hit = this.users.get(id)
    if (hit && Date.now() - hit.at < USER_TTL_MS) return hit.user
    const user = (await this.app.service('api/users').get(id)) as SessionUser
    this.users.set(id, { user, at: Date.now() })
    return user
  }
}

/**
 * Requires a valid access token on calls from outside (REST header or socket login) and puts
 * the user on `params.user`. Internal calls carry no provider and pass.
 */
export const requireAuth = () => async (context: HookContext, next: NextFunction) => {
  const params = context.params
  if (!params.provider || params.authenticated === true) return next()
  const token = (params.authentication as { accessToken?: string } | undefined)?.accessToken
  if (!token) throw new NotAuthenticated('Not authenticated')
  const cache = (context.app as PlumeApp).get('sessions') as SessionCache
  const { sub } = await cache.verify(token).catch((err: unknown) => {
    throw err instanceof NotAuthenticated ? err : new NotAuthenticated('Invalid token')
  })
  let user: SessionUser
  try {
    user = await cache.user(sub)
  } catch {
    throw new NotAuthenticated('Unknown user')
  }
  if (user.active === false) throw new NotAuthenticated('User is deactivated')
  params.user = user
  params.authenticated = true
  return next()
}
