import { Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { hashApiKey, normalizeOrigin } from '../auth/api-keys.js'
import type { AuthRuntime } from '../auth/runtime.js'
import type { ApiKeyPrincipal } from '../auth/session.js'
import { RowCache } from '../auth/row-cache.js'
import { sameHash, tokenPattern } from '../auth/tokens.js'
import { stringList } from './tables.js'

const TOKEN = tokenPattern('pes')
const CACHE_MS = 30_000

interface SessionRow {
  id: string | number
  token_hash: string
  api_key_id: number
  partner_id: number
  customer_id: number | null
  scopes: unknown
  origins: unknown
  expires_at: Date | string
  revoked_at: Date | string | null
  key_revoked: boolean | null
  key_expires_at: Date | string | null
  key_created_by: number | null
}

/** Whether a bearer token is an embed session token rather than a JWT. */
export const isEmbedToken = (token: string) => token.startsWith('pes_')

/**
 * Authenticates embed session tokens (`Authorization: Bearer pes_…`). A session is refused once
 * it expired, was revoked, or its secret key was revoked or expired, and from any Origin not on
 * its list (a request without Origin included: sessions are for browsers). Rows are cached for
 * 30 s; revocations reach every instance through the shared revocation log within a second.
 */
export class EmbedSessionAuthenticator {
  private cache = new RowCache<SessionRow>(CACHE_MS)
  private touched = new Map<number, number>()

  constructor(
    private readonly app: PlumeApp,
    private readonly runtime: AuthRuntime,
    private readonly keyTable: string,
  ) {}

  private get knex(): Knex {
    return this.app.get('db').knex
  }

  /** Forgets cached sessions (all of them: a key revocation ends all its sessions). */
  forget(): void {
    this.cache.clear()
  }

  async authenticate(token: string, origin: string | undefined): Promise<ApiKeyPrincipal> {
    await this.runtime.revocations.syncIfStale()
    const m = TOKEN.exec(token)
    if (!m) throw new NotAuthenticated('Invalid embed session')
    const hash = hashApiKey(token)
    const row = await this.cache.get(
      hash,
      async () =>
        (await this.knex('plume_embed_sessions as s')
          .join(`${this.keyTable} as k`, 'k.id', 's.api_key_id')
          .select(
            's.id',
            's.token_hash',
            's.api_key_id',
            's.partner_id',
            's.customer_id',
            's.scopes',
            's.origins',
            's.expires_at',
            's.revoked_at',
          )
          .select({
            key_revoked: 'k.revoked',
            key_expires_at: 'k.expiresAt',
            key_created_by: 'k.createdById',
          })
          .where('s.prefix', m[2])
          .first()) as SessionRow | undefined,
    )
    if (!row || !sameHash(row.token_hash, hash)) throw new NotAuthenticated('Invalid embed session')
    const log = this.runtime.revocations
    if (row.revoked_at || log.has('embedSession', String(row.id)))
      throw new NotAuthenticated('Embed session revoked')
    if (row.key_revoked || log.has('apiKey', String(row.api_key_id)))
      throw new NotAuthenticated('Embed session revoked: its secret key was revoked')
    const now = Date.now()
    if (
      new Date(row.expires_at).getTime() <= now ||
      (row.key_expires_at && new Date(row.key_expires_at).getTime() <= now)
    ) {
      throw new NotAuthenticated('Embed session expired', { reason: 'embed-session-expired' })
    }
    if (!origin || !stringList(row.origins).map(normalizeOrigin).includes(normalizeOrigin(origin)))
      throw new Forbidden('Origin not allowed for this embed session')
    const id = Number(row.id)
    await this.touch(id)
    return {
      id: row.key_created_by ?? null,
      apiKeyId: Number(row.api_key_id),
      // an embed acts as the narrowest partner role, never as a partner admin
      roles: ['partner_user'],
      partnerId: Number(row.partner_id),
      embed: {
        kind: 'session',
        scopes: stringList(row.scopes),
        customerId: row.customer_id == null ? null : Number(row.customer_id),
        sessionId: id,
      },
    }
  }

  /** `last_used_at = now()` at most once a minute per session. */
  private async touch(id: number): Promise<void> {
    const last = this.touched.get(id)
    if (last !== undefined && Date.now() - last < 60_000) return
    if (this.touched.size > 10_000) this.touched.clear()
    this.touched.set(id, Date.now())
    await this.knex('plume_embed_sessions').where({ id }).update({ last_used_at: this.knex.fn.now() })
  }
}
