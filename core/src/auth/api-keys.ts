import { BadRequest, Forbidden, NotAuthenticated } from '@feathersjs/errors'
import type { EntityDefinition } from '@plume/metadata'
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import type { AuthCore } from './core.js'
import type { ApiKeyPrincipal } from './session.js'

const KEY = /^plm_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/
const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
const CACHE_MS = 30_000

export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex')

/**
 * A new key: `plm_<prefix>_<secret>` with an 8-character prefix (shown in lists, used to find
 * the key) and a 256-bit secret. Only the SHA-256 of the whole key is stored: the key is random
 * and long, so a slow password hash would add nothing but latency on every request.
 * @example const { key, prefix, hash } = generateApiKey()
 */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const bytes = randomBytes(8)
  const prefix = [...bytes].map((b) => BASE62[b % 62]).join('')
  const key = `plm_${prefix}_${randomBytes(32).toString('base64url')}`
  return { key, prefix, hash: hashApiKey(key) }
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
}

const normalizeOrigin = (origin: string) => {
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
  private cache = new Map<string, { row: KeyRow | undefined; at: number }>()
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
    else for (const [k, v] of this.cache) if (v.row?.id === id) this.cache.delete(k)
  }

  /** The principal of a key: 401 unknown/revoked/expired, 403 when the Origin is not allowed. */
  async authenticate(key: string, origin: string | undefined): Promise<ApiKeyPrincipal> {
    await this.runtime.revocations.syncIfStale()
    const m = KEY.exec(key.trim())
    if (!m) throw new NotAuthenticated('Invalid API key')
    const hash = hashApiKey(key.trim())
    let hit = this.cache.get(hash)
    if (!hit || Date.now() - hit.at > CACHE_MS) {
      const row = (await this.knex(this.entity.table)
        .select('id', 'keyHash', 'roles', 'partnerId', 'allowedOrigins', 'expiresAt', 'revokedAt', 'revoked', 'createdById')
        .where({ prefix: m[1] })
        .first()) as KeyRow | undefined
      hit = { row, at: Date.now() }
      if (this.cache.size > 10_000) this.cache.clear()
      this.cache.set(hash, hit)
    }
    const row = hit.row
    if (!row || !row.keyHash || row.keyHash.length !== hash.length || !timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash))) {
      throw new NotAuthenticated('Invalid API key')
    }
    if (row.revokedAt || row.revoked || this.runtime.revocations.has('apiKey', String(row.id))) throw new NotAuthenticated('API key revoked')
    if (row.expiresAt && new Date(row.expiresAt).getTime() <= Date.now()) throw new NotAuthenticated('API key expired')
    const allowed = Array.isArray(row.allowedOrigins) ? row.allowedOrigins.filter((o): o is string => typeof o === 'string') : []
    if (allowed.length && (!origin || !allowed.map(normalizeOrigin).includes(normalizeOrigin(origin)))) {
      throw new Forbidden('Origin not allowed for this API key')
    }
    await this.touch(row)
    return {
      id: row.createdById ?? null,
      apiKeyId: row.id,
      roles: Array.isArray(row.roles) ? row.roles.filter((r): r is string => typeof r === 'string') : [],
      partnerId: row.partnerId ?? null,
    }
  }

  /** `lastUsedAt = now()` unless written in the last minute (checked in SQL, so instances agree). */
  private async touch(row: KeyRow): Promise<void> {
    const every = this.runtime.config.apiKeyTouchSeconds
    const last = this.touched.get(row.id)
    if (last !== undefined && Date.now() - last < every * 1000) return
    this.touched.set(row.id, Date.now())
    const updated = (await this.knex(this.entity.table)
      .where({ id: row.id })
      .andWhere((q) => q.whereNull('lastUsedAt').orWhereRaw(`?? < now() - ? * interval '1 second'`, ['lastUsedAt', every]))
      .update({ lastUsedAt: this.knex.fn.now() })
      .returning('id')) as unknown[]
    if (updated.length) await this.runtime.audit({ action: 'auth.api_key_used', actorId: row.createdById, apiKeyId: row.id })
  }
}

export const badField = (path: string, message: string) =>
  new BadRequest(`Invalid data: ${path.slice(1)} ${message}`, { errors: [{ path, message }] })
