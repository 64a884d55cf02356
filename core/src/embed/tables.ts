import type { Knex } from 'knex'

/**
 * Embed sessions are platform state (short-lived, minted by a secret key), not an entity: they
 * are created here like the authentication tables, and listed through `api/embed-sessions`.
 */
const DDL = [
  `create table if not exists plume_embed_sessions (
     id bigserial primary key,
     prefix text not null unique,
     token_hash text not null,
     api_key_id integer not null,
     partner_id integer not null,
     customer_id integer,
     scopes jsonb not null,
     origins jsonb not null,
     created_at timestamptz not null default now(),
     expires_at timestamptz not null,
     revoked_at timestamptz,
     last_used_at timestamptz)`,
  'create index if not exists plume_embed_sessions_partner on plume_embed_sessions (partner_id, created_at)',
  'create index if not exists plume_embed_sessions_expires on plume_embed_sessions (expires_at)',
]

/** Creates the table once; an advisory lock keeps instances starting together from racing. */
export async function ensureEmbedTables(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['plume_embed_tables'])
    for (const sql of DDL) await trx.raw(sql)
  })
}

/** A row of `plume_embed_sessions` as the API shows it (never the token or its hash). */
export interface EmbedSessionRow {
  id: number
  apiKeyId: number
  partnerId: number
  customerId: number | null
  scopes: string[]
  origins: string[]
  createdAt: string
  expiresAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString())
const list = (v: unknown): string[] => {
  const arr = typeof v === 'string' ? (JSON.parse(v) as unknown) : v
  return Array.isArray(arr) ? arr.filter((x): x is string => typeof x === 'string') : []
}

/** Maps a database row to the API's shape. */
export function sessionOut(r: Record<string, unknown>): EmbedSessionRow {
  return {
    id: Number(r.id),
    apiKeyId: Number(r.api_key_id),
    partnerId: Number(r.partner_id),
    customerId: r.customer_id == null ? null : Number(r.customer_id),
    scopes: list(r.scopes),
    origins: list(r.origins),
    createdAt: iso(r.created_at)!,
    expiresAt: iso(r.expires_at)!,
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  }
}

export { list as stringList }
