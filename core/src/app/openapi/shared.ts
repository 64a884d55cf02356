import type { Json } from './types.js'

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
export const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
export const json = (schema: Json) => ({ 'application/json': { schema } })
export const errorResponse = (description: string) => ({ description, content: json(ref('Error')) })

/** `api/orders/:id/submit` → `/api/orders/{id}/submit` */
export const openApiPath = (feathersPath: string) =>
  `/${feathersPath.replace(/^\/+|\/+$/g, '')}`.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}')

/** Path parameters of a Feathers route (`:id` segments), each a required string unless typed. */
export function routeParameters(feathersPath: string, types: Record<string, Json> = {}): Json[] {
  return [...feathersPath.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: types[name!] ?? { type: 'string' },
  }))
}

/** `api/credit-notes/:id/issue` → `CreditNotesIdIssue`, for operation ids. */
export const camelPath = (feathersPath: string) =>
  feathersPath
    .replace(/^api\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(pascal)
    .join('')

/** Tag of a service path: `api/alert-rules/:id/dry-run` → `alert-rules`. */
export const pathTag = (feathersPath: string) =>
  feathersPath.replace(/^api\//, '').split('/')[0] ?? feathersPath

/** Query properties of a paged list (`$limit`, `$skip`), for `OperationDocs.query`. */
export const PAGING = {
  $limit: { type: 'integer', minimum: 0, description: 'Page size' },
  $skip: { type: 'integer', minimum: 0, description: 'Rows to skip' },
}

/**
 * A page of `items` as Feathers answers a paginated find.
 * @example result: pageOf({ $ref: '#/components/schemas/Rule' })
 */
export const pageOf = (items: Json): Json => ({
  type: 'object',
  properties: {
    total: { type: 'integer' },
    limit: { type: 'integer' },
    skip: { type: 'integer' },
    data: { type: 'array', items },
  },
})

/** `{type: 'object', properties, required, additionalProperties: false}` */
export const objectSchema = (properties: Record<string, unknown>, required: string[] = []): Json => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  additionalProperties: false,
})
