/** How `/api/embed-sessions` describes itself in `/api/openapi.json`. */
import { objectSchema, pageOf } from '../app/openapi/shared.js'
import type { ServiceDocs } from '../app/openapi/types.js'
import { MAX_SESSION_SECONDS as MAX_SESSION } from './input.js'
import { EMBED_SCOPES } from './scopes.js'

const session = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    apiKeyId: { type: 'integer', description: 'The secret key that minted it' },
    partnerId: { type: 'integer' },
    customerId: { type: ['integer', 'null'] },
    scopes: { type: 'array', items: { type: 'string', enum: [...EMBED_SCOPES] } },
    origins: { type: 'array', items: { type: 'string' } },
    createdAt: { type: 'string', format: 'date-time' },
    expiresAt: { type: 'string', format: 'date-time' },
    revokedAt: { type: ['string', 'null'], format: 'date-time' },
    lastUsedAt: { type: ['string', 'null'], format: 'date-time' },
  },
}

export const embedSessionDocs: ServiceDocs = {
  tag: 'Embedding',
  description:
    "Short-lived, origin-bound, scope-limited tokens for widgets in a partner's web page, minted by the partner's server with its secret key (`sk_…`). Send the token as `Authorization: Bearer pes_…` from the listed origins only; never in a URL.",
  id: { type: 'integer' },
  schemas: { EmbedSession: session },
  operations: {
    create: {
      summary: 'Mint an embed session (secret keys only)',
      body: objectSchema(
        {
          scopes: { type: 'array', minItems: 1, items: { type: 'string', enum: [...EMBED_SCOPES] } },
          customerId: {
            type: ['integer', 'null'],
            description: 'Bind the session to one customer of the partner',
          },
          origins: {
            type: 'array',
            items: { type: 'string' },
            description:
              "Origins the token is accepted from (default: the key's allowedOrigins; each must be one of them)",
          },
          ttlSeconds: {
            type: 'integer',
            minimum: 30,
            maximum: MAX_SESSION,
            description: `Lifetime, at most ${MAX_SESSION} s (default)`,
          },
        },
        ['scopes'],
      ),
      result: {
        allOf: [
          { $ref: '#/components/schemas/EmbedSession' },
          { type: 'object', properties: { token: { type: 'string', description: '`pes_…`, shown once' } } },
        ],
      },
      errors: {
        400: 'A field is invalid',
        403: "Not a secret key, or the customer or origin is not the key's",
      },
    },
    find: {
      summary: "List embed sessions (a partner's own; admins all)",
      query: {
        type: 'object',
        properties: { $limit: { type: 'integer', minimum: 0 }, $skip: { type: 'integer', minimum: 0 } },
      },
      result: pageOf({ $ref: '#/components/schemas/EmbedSession' }),
    },
    remove: {
      summary: 'Revoke an embed session at once',
      result: { $ref: '#/components/schemas/EmbedSession' },
      errors: { 404: 'No such session of yours' },
    },
  },
}
