/** How a client authenticates, as OpenAPI security schemes (see core/src/auth). */
import type { Json } from './types.js'

/** Either scheme authenticates an operation unless it says `security: []`. */
export const SECURITY: Json[] = [{ bearer: [] }, { apiKey: [] }]

export const securitySchemes = (): Json => ({
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The `accessToken` answered by POST /api/authentication (short-lived; renew it with the `refresh` strategy), or an embed session token (`pes_…`, POST /api/embed-sessions: REST only, from its origins only, limited to its scopes).',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description:
      "An API key made with POST /api/api-keys; REST only. Keys cannot manage keys. `plm_…` server keys; `pk_…` publishable keys (a partner's web page: catalog only, from its allowed origins only); `sk_…` secret keys (a partner's server: refused when an Origin is sent; mint embed sessions).",
  },
})
