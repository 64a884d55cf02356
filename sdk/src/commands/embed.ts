/** Embed sessions (`/api/embed-sessions`): what a partner's server does with its secret key. */
import type { RestCommand } from '../rest.js'
import type { AnySchema, PlumeSchema } from '../schema.js'

export type EmbedScope =
  | 'catalog:read'
  | 'orders:create'
  | 'orders:read'
  | 'orders:read:own-customer'
  | 'dashboard:read'
  | 'invoices:read'

export interface EmbedSession {
  id: number
  apiKeyId: number
  partnerId: number
  customerId: number | null
  scopes: EmbedScope[]
  origins: string[]
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

export interface EmbedSessionInput {
  scopes: EmbedScope[]
  customerId?: number | null
  origins?: string[]
  /** 30 to 900 seconds (default 900). */
  ttlSeconds?: number
}

/**
 * Mints a short-lived, origin-bound token for the widgets on one page (call it from your server,
 * authenticated with `auth({ apiKey: 'sk_…' })`; the token is shown once).
 * @example const { token } = await client.request(createEmbedSession({ scopes: ['catalog:read', 'orders:create'], customerId: 812 }))
 */
export function createEmbedSession<S extends PlumeSchema = AnySchema>(
  input: EmbedSessionInput,
): RestCommand<EmbedSession & { token: string }, S> {
  return () => ({ method: 'POST', path: 'api/embed-sessions', body: input })
}

/**
 * Revokes an embed session at once.
 * @example await client.request(revokeEmbedSession(31))
 */
export function revokeEmbedSession<S extends PlumeSchema = AnySchema>(
  id: number,
): RestCommand<EmbedSession, S> {
  return () => ({ method: 'DELETE', path: `api/embed-sessions/${encodeURIComponent(String(id))}` })
}
