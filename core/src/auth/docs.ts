/** How `/api/authentication` and `/api/api-keys/:id/revoke` describe themselves in `/api/openapi.json`. */
import type { ServiceDocs } from '../app/openapi/types.js'

const session = {
  type: 'object',
  properties: {
    accessToken: { type: 'string', description: 'JWT for `Authorization: Bearer …` (short-lived)' },
    refreshToken: {
      type: 'string',
      description: 'Single use: trade it for a new pair with strategy `refresh`',
    },
    authentication: {
      type: 'object',
      properties: { strategy: { type: 'string' }, payload: { type: 'object' } },
    },
    user: { type: 'object' },
  },
}

export const authenticationDocs: ServiceDocs = {
  tag: 'Authentication',
  schemas: {
    LoginRequest: {
      oneOf: [
        {
          type: 'object',
          properties: {
            strategy: { const: 'local' },
            email: { type: 'string', format: 'email' },
            password: { type: 'string' },
          },
          required: ['strategy', 'email', 'password'],
        },
        {
          type: 'object',
          properties: { strategy: { const: 'refresh' }, refreshToken: { type: 'string' } },
          required: ['strategy', 'refreshToken'],
        },
        {
          type: 'object',
          properties: { strategy: { const: 'jwt' }, accessToken: { type: 'string' } },
          required: ['strategy', 'accessToken'],
        },
      ],
    },
    Session: session,
  },
  operations: {
    create: {
      summary:
        'Log in (local: email + password), renew (refresh: refreshToken) or re-authenticate a socket (jwt)',
      description:
        'Failed logins are throttled per account and per client address (429 with Retry-After once locked).',
      public: true,
      body: { $ref: '#/components/schemas/LoginRequest' },
      result: { $ref: '#/components/schemas/Session' },
      errors: { 401: 'Invalid login', 429: 'Too many failed attempts' },
    },
    remove: {
      summary: 'Log out: revokes the access token sent as bearer and every token of its login',
      item: false,
      result: session,
      errors: { 401: 'Invalid access token' },
    },
  },
}

export const revokeApiKeyDocs: ServiceDocs = {
  tag: 'API keys',
  description:
    'The same as `PATCH /api/api-keys/:id {"revoked": true}`, with the same checks: admins revoke any key, partner admins their partner\'s.',
  operations: {
    create: {
      summary: 'Revoke an API key for good',
      body: { type: 'object', additionalProperties: false },
      result: { $ref: '#/components/schemas/ApiKey' },
    },
  },
}
