import { BadRequest, Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import type { AuthCore } from './core.js'
import { PUBLISHABLE_SCOPES } from '../embed/scopes.js'
import { RowCache } from './row-cache.js'
import { hashToken, mintToken, sameHash, tokenPattern } from './tokens.js'
import type { ApiKeyPrincipal } from './session.js'

/** `plm_` server keys, `pk_` publishable (browser) keys, `sk_` secret (partner server) keys. */
export type ApiKeyKind = 'api' | 'publishable' | 'secret'
const LABELS: Record<ApiKeyKind, string> = { api: 'plm', publishable: 'pk', secret: 'sk' }
const KEY = tokenPattern(...Object.values(LABELS))
const CACHE_MS = 30_000

export const hashApiKey = hashToken

/**
 * A new key: `plm_<prefix>_<secret>` with an 8-character prefix (shown in lists, used to find
 * the key) and a 256-bit secret. Only the SHA-256 of the whole key is stored: the key is random
 * and long, so a slow password hash would add nothing but latency on every request.
 * @example const { key, prefix, hash } = generateApiKey()
 */
export function generateApiKey(kind: ApiKeyKind | 'session' = 'api'): {
  key: string
  prefix: string
  hash: string
} {
  return mintToken(kind === 'session' ? 'pes' : LABELS[kind])
}

interface KeyRow {
  id: number
  keyHash: string
  roles: unknown
  partnerId: number | null
  allowedOrigins: unknown
  expiresAt: Date | string | null
  revokedAt: Date | string | null
  revoked?: boolean | null
  createdById: number | null
  kind?: string | null
}

export const normalizeOrigin = (origin: string) => {
  try {
    const u = new URL(origin)
    return `${u.protocol}//${u.host}`.toLowerCase()
  } catch {
    return origin.trim().toLowerCase().replace(/\/+$/, '')
  }
}

/**
 * Authenticates `X-Api-Key` headers. Rows are cached briefly (dropped at once on revocation,
 * here and, through the revocation log, on other instances); `lastUsedAt` is written at most
 * once a minute per key.
 */
export class ApiKeyAuthenticator {
  private cache = new RowCache<KeyRow>(CACHE_MS)
  private touched = new Map<number, number>()

  constructor(
    private readonly app: PlumeApp,
    private readonly entity: EntityDefinition,
    private readonly runtime: AuthCore,
  ) {}

  private get knex(): Knex {
    return this.app.get('db').knex
  }

  /** Forgets cached keys (all, or one id). */
  forget(id?: number): void {
    if (id === undefined) this.cache.clear()
    else this.cache.drop((row) => row.id === id)
  }

  /** The principal of a key: 401 unknown/revoked/expired, 403 when the Origin is not allowed. */
  async authenticate(key: string, origin: string | undefined): Promise<ApiKeyPrincipal> {
    await this.runtime.revocations.syncIfStale()
    const m = KEY.exec(key.trim())
    if (!m) throw new NotAuthenticated('Invalid API key')
    const hash = hashApiKey(key.trim())
    const row = await this.cache.get(
      hash,
      async () =>
        (await this.knex(this.entity.table)
          .select(
            'id',
            'keyHash',
            'roles',
            'partnerId',
            'allowedOrigins',
            'expiresAt',
            'revokedAt',
            'revoked',
            'createdById',
            'kind',
          )
          .where({ prefix: m[2] })
          .first()) as KeyRow | undefined,
    )
    if (!row || !sameHash(row.keyHash, hash)) {
      throw new NotAuthenticated('Invalid API key')
    }
    // the label is part of the hashed key; a key used under another kind's label never matches
    if ((row.kind ?? 'api') !== Object.keys(LABELS).find((k) => LABELS[k as ApiKeyKind] === m[1]))
      throw new NotAuthenticated('Invalid API key')
    if (row.revokedAt || row.revoked || this.runtime.revocations.has('apiKey', String(row.id)))
      throw new NotAuthenticated('API key revoked')
    if (row.expiresAt && new Date(row.expiresAt).getTime() <= Date.now())
      throw new NotAuthenticated('API key expired')
    const allowed = Array.isArray(row.allowedOrigins)
      ? row.allowedOrigins.filter((o): o is string => typeof o === 'string')
      : []
    // a secret key's origins are those its embed sessions may serve; a publishable key without any serves none
    const checked = row.kind !== 'secret' && (allowed.length > 0 || row.kind === 'publishable')
    if (checked && (!origin || !allowed.map(normalizeOrigin).includes(normalizeOrigin(origin)))) {
      throw new Forbidden('Origin not allowed for this API key')
    }
    // a browser always sends Origin on a cross-site call: a secret key there has leaked
    if (row.kind === 'secret' && origin)
      throw new Forbidden(
        'Secret keys (sk_) are for servers; use a publishable key (pk_) or an embed session in a web page',
      )
    await this.touch(row)
    const roles = Array.isArray(row.roles) ? row.roles.filter((r): r is string => typeof r === 'string') : []
    const principal: ApiKeyPrincipal = {
      id: row.createdById ?? null,
      apiKeyId: row.id,
      roles,
      partnerId: row.partnerId ?? null,
    }
    // a publishable key acts as the narrowest partner role, limited further to the public scopes
    if (row.kind === 'publishable')
      Object.assign(principal, {
        roles: ['partner_user'],
        embed: { kind: 'publishable', scopes: [...PUBLISHABLE_SCOPES], customerId: null },
      })
    if (row.kind === 'secret') principal.secretKey = true
    return principal
  }

  /** `lastUsedAt = now()` unless written in the last minute (checked in SQL, so instances agree). */
  private async touch(row: KeyRow): Promise<void> {
    const every = this.runtime.config.apiKeyTouchSeconds
    const last = this.touched.get(row.id)
    if (last !== undefined && Date.now() - last < every * 1000) return
    this.touched.set(row.id, Date.now())
    const updated = (await this.knex(this.entity.table)
      .where({ id: row.id })
      .andWhere((q) =>
        q.whereNull('lastUsedAt').orWhereRaw(`?? < now() - ? * interval '1 second'`, ['lastUsedAt', every]),
      )
      .update({ lastUsedAt: this.knex.fn.now() })
      .returning('id')) as unknown[]
    if (updated.length)
      await this.runtime.audit({ action: 'auth.api_key_used', actorId: row.createdById, apiKeyId: row.id })
  }
}

export const badField = (path: string, message: string) =>
  new BadRequest(`Invalid data: ${path.slice(1)} ${message}`, { errors: [{ path, message }] })
