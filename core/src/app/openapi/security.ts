/** How a client authenticates, as OpenAPI security schemes (see core/src/auth). */
import type { Json } from './types.js'

/** Either scheme authenticates an operation unless it says `security: []`. */
export const SECURITY: Json[] = [{ bearer: [] }, { apiKey: [] }]

export const securitySchemes = (): Json => ({
  bearer: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The `accessToken` answered by POST /api/authentication (short-lived; renew it with the `refresh` strategy).',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'A server-side API key (`plm_<prefix>_<secret>`) made with POST /api/api-keys; REST only. Keys cannot manage keys.',
  },
})
