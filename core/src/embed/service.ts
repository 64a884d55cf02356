import { BadRequest, Forbidden, NotFound } from '@feathersjs/errors'
import type { Params } from '@feathersjs/feathers'
import type { Knex } from 'knex'
import type { PlumeApp } from '../kernel/types.js'
import { generateApiKey, normalizeOrigin } from '../auth/api-keys.js'
import type { AuthRuntime } from '../auth/runtime.js'
import type { ApiKeyPrincipal, Principal } from '../auth/session.js'
import { embedSessionDocs } from './docs.js'
import { badField, readSessionInput } from './input.js'
import { sessionOut, stringList, type EmbedSessionRow } from './tables.js'

type Caller = Params & { user?: Principal; via?: string }

const keyOf = (user: Principal | undefined): ApiKeyPrincipal | undefined =>
  user && typeof user.apiKeyId === 'number' ? (user as ApiKeyPrincipal) : undefined

interface KeyRow {
  partnerId: number | null
  allowedOrigins: unknown
  kind: string | null
}

/** Who may list and revoke: admins all sessions; a secret key or a partner admin their partner's. */
function partnerScope(params: Caller): number | undefined {
  if (!params.provider) return undefined
  const user = params.user
  const roles = Array.isArray(user?.roles) ? (user.roles as string[]) : []
  const key = keyOf(user)
  if (key) {
    if (key.secretKey && typeof key.partnerId === 'number') return key.partnerId
    throw new Forbidden('Only a secret key (sk_…) manages embed sessions')
  }
  if (roles.includes('admin')) return undefined
  if (roles.includes('partner_admin') && typeof user?.partnerId === 'number') return user.partnerId
  throw new Forbidden('Only admins, partner admins and secret keys manage embed sessions')
}

const PAGE = { default: 25, max: 100 }
const pageParam = (query: Record<string, unknown>, name: '$limit' | '$skip', fallback: number) => {
  const v = query[name]
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0)
    throw new BadRequest(`${name} must be a non-negative integer`, {
      errors: [{ path: `/${name}`, message: 'must be a non-negative integer' }],
    })
  return n
}

/**
 * `api/embed-sessions`: a partner's server trades its secret key for a short-lived, origin-bound,
 * scope-limited token for the widgets on one page (create), lists them (find) and revokes one
 * at once (remove). Audited; tokens are stored hashed and shown once.
 */
export function embedSessionService(
  app: PlumeApp,
  runtime: AuthRuntime,
  keyTable: string,
  customerTable: string | undefined,
) {
  const knex = (): Knex => app.get('db').knex
  return {
    docs: embedSessionDocs,

    async create(data: unknown, params: Caller): Promise<EmbedSessionRow & { token: string }> {
      const user = keyOf(params.user)
      if (!user || !user.secretKey || typeof user.partnerId !== 'number')
        throw new Forbidden('Embed sessions are minted with a secret key (sk_…) of a partner')
      const input = readSessionInput(data)
      const key = (await knex()(keyTable)
        .select('partnerId', 'allowedOrigins', 'kind')
        .where({ id: user.apiKeyId })
        .first()) as KeyRow | undefined
      if (!key || key.kind !== 'secret' || key.partnerId !== user.partnerId)
        throw new Forbidden('Embed sessions are minted with a secret key (sk_…) of a partner')
      const allowed = stringList(key.allowedOrigins).map(normalizeOrigin)
      const origins = (input.origins ?? allowed).map(normalizeOrigin)
      if (!origins.length) throw badField('/origins', 'is required: the secret key lists no allowed origins')
      origins.forEach((o, i) => {
        if (!allowed.includes(o))
          throw new Forbidden(`Not allowed: origins/${i} is not one of the secret key's allowed origins`, {
            errors: [{ path: `/origins/${i}`, message: "must be one of the secret key's allowed origins" }],
          })
      })
      if (input.customerId !== null) {
        const own =
          customerTable &&
          (await knex()(customerTable).where({ id: input.customerId, partnerId: user.partnerId }).first('id'))
        // another partner's customer and a missing one answer alike (no oracle)
        if (!own)
          throw new Forbidden("Not allowed: customerId must be a customer of the key's partner", {
            errors: [{ path: '/customerId', message: "must be a customer of the key's partner" }],
          })
      }
      const { key: token, prefix, hash } = generateApiKey('session')
      const row = await knex().transaction(async (trx) => {
        const [inserted] = (await trx('plume_embed_sessions')
          .insert({
            prefix,
            token_hash: hash,
            api_key_id: user.apiKeyId,
            partner_id: user.partnerId,
            customer_id: input.customerId,
            scopes: JSON.stringify(input.scopes),
            origins: JSON.stringify([...new Set(origins)]),
            expires_at: trx.raw(`now() + ? * interval '1 second'`, [input.ttlSeconds]),
          })
          .returning('*')) as Array<Record<string, unknown>>
        const out = sessionOut(inserted!)
        await runtime.audit(
          {
            action: 'auth.embed_session_created',
            actorId: user.id,
            apiKeyId: user.apiKeyId,
            params,
            details: {
              sessionId: out.id,
              scopes: out.scopes,
              customerId: out.customerId,
              origins: out.origins,
              expiresAt: out.expiresAt,
            },
          },
          trx,
        )
        return out
      })
      return { ...row, token }
    },

    async find(params: Caller) {
      const partnerId = partnerScope(params)
      const query = (params.query ?? {}) as Record<string, unknown>
      for (const k of Object.keys(query))
        if (k !== '$limit' && k !== '$skip')
          throw new BadRequest(`Invalid query: ${k} is not a known field`, {
            errors: [{ path: `/${k}`, message: 'is not a known field' }],
          })
      const limit = Math.min(pageParam(query, '$limit', PAGE.default), PAGE.max)
      const skip = pageParam(query, '$skip', 0)
      const base = () =>
        partnerId === undefined
          ? knex()('plume_embed_sessions')
          : knex()('plume_embed_sessions').where({ partner_id: partnerId })
      const [rows, count] = await Promise.all([
        base().select('*').orderBy('id', 'desc').limit(limit).offset(skip) as Promise<
          Array<Record<string, unknown>>
        >,
        base().count({ n: '*' }).first() as Promise<{ n: number | string } | undefined>,
      ])
      return { total: Number(count?.n ?? 0), limit, skip, data: rows.map(sessionOut) }
    },

    async remove(id: unknown, params: Caller): Promise<EmbedSessionRow> {
      const partnerId = partnerScope(params)
      const n = Number(id)
      if (!Number.isInteger(n) || n < 1)
        throw new BadRequest('Invalid id', {
          errors: [{ path: '/id', message: 'must be a positive integer' }],
        })
      return knex().transaction(async (trx) => {
        const q = trx('plume_embed_sessions').where({ id: n })
        if (partnerId !== undefined) q.where({ partner_id: partnerId })
        const [row] = (await q
          .update({ revoked_at: trx.raw('coalesce(revoked_at, now())') })
          .returning('*')) as Array<Record<string, unknown>>
        if (!row) throw new NotFound(`No embed session with id ${n}`)
        const out = sessionOut(row)
        const key = keyOf(params.user)
        await runtime.audit(
          {
            action: 'auth.embed_session_revoked',
            actorId: params.user?.id ?? null,
            ...(key ? { apiKeyId: key.apiKeyId } : {}),
            params,
            details: { sessionId: n },
          },
          trx,
        )
        await runtime.revocations.add(
          'embedSession',
          String(n),
          new Date(new Date(out.expiresAt).getTime() + 60_000),
          trx,
        )
        return out
      })
    },
  }
}
