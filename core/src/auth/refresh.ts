import { NotAuthenticated } from '@feathersjs/errors'
import {
  AuthenticationBaseStrategy,
  type AuthenticationRequest,
  type AuthenticationResult,
} from '@feathersjs/authentication'
import type { Params } from '@feathersjs/feathers'
import { createHash, randomBytes } from 'node:crypto'
import type { Knex } from 'knex'
import type { AuthCore } from './core.js'
import type { SessionCache } from './session.js'

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const TOKEN = /^plmr_[A-Za-z0-9_-]{43}$/

interface TokenRow {
  id: string | number
  user_id: number
  family: string
  rotated_at: Date | null
  revoked_at: Date | null
  live: boolean
}

/**
 * Refresh tokens: random and opaque (`plmr_…`, 256 bits), stored as SHA-256 in
 * `plume_refresh_tokens`. Each login starts a *family*; every use rotates the token (the old one
 * is marked used, a new one of the same family is issued). Presenting a token that was already
 * rotated means it was copied: the whole family is revoked, for the thief and the owner alike.
 * @example const token = await store.issue(user.id, family); const { userId } = await store.consume(token)
 */
export class RefreshTokens {
  constructor(
    private readonly knex: () => Knex,
    private readonly ttlSeconds: number,
  ) {}

  async issue(userId: number, family: string, trx?: Knex.Transaction): Promise<string> {
    const token = `plmr_${randomBytes(32).toString('base64url')}`
    await (trx ?? this.knex())('plume_refresh_tokens').insert({
      token_hash: sha256(token),
      family,
      user_id: userId,
      expires_at: new Date(Date.now() + this.ttlSeconds * 1000),
    })
    return token
  }

  /**
   * Marks the token used and returns its user and family. Refuses (401) unknown, expired and
   * revoked tokens; a token used twice revokes its family (`onReuse` is told).
   */
  async consume(
    token: unknown,
    onReuse: (family: string, userId: number) => Promise<void>,
  ): Promise<{ userId: number; family: string }> {
    if (typeof token !== 'string' || !TOKEN.test(token)) throw new NotAuthenticated('Invalid refresh token')
    const hash = sha256(token)
    // one statement: of two concurrent uses only one can win the rotation
    const won = (await this.knex().raw(
      `update plume_refresh_tokens set rotated_at = now()
        where token_hash = ? and rotated_at is null and revoked_at is null and expires_at > now()
        returning user_id, family`,
      [hash],
    )) as { rows: Array<{ user_id: number; family: string }> }
    const row = won.rows[0]
    if (row) return { userId: Number(row.user_id), family: row.family }
    const seen = (await this.knex().raw(
      `select id, user_id, family, rotated_at, revoked_at, expires_at > now() as live from plume_refresh_tokens where token_hash = ?`,
      [hash],
    )) as { rows: TokenRow[] }
    const old = seen.rows[0]
    if (old?.rotated_at) {
      await this.revokeFamily(old.family)
      await onReuse(old.family, Number(old.user_id))
      throw new NotAuthenticated('Refresh token reused; the session has been revoked')
    }
    throw new NotAuthenticated(old && !old.live ? 'Refresh token expired' : 'Invalid refresh token')
  }

  async revokeFamily(family: string, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.knex())('plume_refresh_tokens')
      .where({ family })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex().fn.now() })
  }

  async revokeUser(userId: number, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.knex())('plume_refresh_tokens')
      .where({ user_id: userId })
      .whereNull('revoked_at')
      .update({ revoked_at: this.knex().fn.now() })
  }

  /** Drops tokens that expired more than a day ago. */
  async purge(): Promise<void> {
    await this.knex().raw(`delete from plume_refresh_tokens where expires_at < now() - interval '1 day'`)
  }
}

/**
 * `POST /api/authentication {strategy: 'refresh', refreshToken}`: trades a refresh token for a new
 * access + refresh pair of the same family (the service issues them).
 */
export class RefreshStrategy extends AuthenticationBaseStrategy {
  constructor(
    private readonly runtime: () => AuthCore & { refresh: RefreshTokens; sessions(): SessionCache },
  ) {
    super()
  }

  async authenticate(data: AuthenticationRequest, _params: Params): Promise<AuthenticationResult> {
    const rt = this.runtime()
    const { userId, family } = await rt.refresh.consume(data.refreshToken, async (fam, uid) => {
      await rt.revocations.add('family', fam, new Date(Date.now() + rt.config.accessTtl * 1000))
      await rt.audit({ action: 'auth.refresh_reused', actorId: uid, details: { family: fam } })
    })
    if (rt.revocations.has('family', family)) throw new NotAuthenticated('Session revoked')
    const sessions = rt.sessions()
    sessions.forgetUser(userId)
    let user
    try {
      user = (await sessions.user(userId)).user
    } catch {
      throw new NotAuthenticated('Invalid refresh token')
    }
    if (user.active === false) throw new NotAuthenticated('Invalid refresh token')
    await rt.audit({ action: 'auth.refresh', actorId: userId, details: { family } })
    return { authentication: { strategy: 'refresh', family }, user }
  }
}
