/** OpenAPI of custom services: from their `docs` (see ./types.ts), else a generic description. */
import { camelPath, errorResponse, json, openApiPath, pathTag, routeParameters } from './shared.js'
import type { DocMethod, Json, OperationDocs, ServiceDocs } from './types.js'

/** One mounted service as the document sees it. */
export interface DescribedService {
  /** Feathers path, e.g. `api/reports/:id/run`. */
  path: string
  methods: readonly string[]
  docs?: ServiceDocs
}

/** How Feathers' REST transport serves each method. */
const REST: Record<
  DocMethod,
  { verb: string; item: boolean; body: boolean; status: number; summary: string }
> = {
  find: { verb: 'get', item: false, body: false, status: 200, summary: 'List' },
  get: { verb: 'get', item: true, body: false, status: 200, summary: 'Get one' },
  create: { verb: 'post', item: false, body: true, status: 201, summary: 'Create' },
  update: { verb: 'put', item: true, body: true, status: 200, summary: 'Replace' },
  patch: { verb: 'patch', item: true, body: true, status: 200, summary: 'Change' },
  remove: { verb: 'delete', item: true, body: false, status: 200, summary: 'Remove' },
}

const isDocMethod = (m: string): m is DocMethod => m in REST
const FREE_QUERY = {
  name: 'query',
  in: 'query',
  style: 'form',
  explode: true,
  schema: { type: 'object', additionalProperties: true },
  description: 'Query parameters the service reads',
}

function queryParameters(query: Json | undefined): Json[] {
  if (!query) return [FREE_QUERY]
  const props = (query.properties ?? {}) as Record<string, Json>
  const required = new Set((query.required as string[] | undefined) ?? [])
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    ...(schema.type === 'object' ? { style: 'deepObject', explode: true } : {}),
    schema,
  }))
}

const docsOf = (service: DescribedService, method: DocMethod): OperationDocs =>
  service.docs?.operations?.[method] ?? {}

function operation(service: DescribedService, method: DocMethod, idName: string): Json {
  const docs = docsOf(service, method)
  const rest = { ...REST[method], item: REST[method].item && docs.item !== false }
  const errors: Record<number, string> = { 400: 'Invalid request' }
  if (!docs.public) Object.assign(errors, { 401: 'Not authenticated', 403: 'Not permitted' })
  if (rest.item) errors[404] = 'Not found'
  Object.assign(errors, docs.errors ?? {})
  const parameters = [
    ...(rest.item
      ? [{ name: idName, in: 'path', required: true, schema: service.docs?.id ?? { type: 'string' } }]
      : []),
    ...(rest.body || method === 'remove' ? [] : queryParameters(docs.query)),
  ]
  return {
    tags: [service.docs?.tag ?? pathTag(service.path)],
    summary: docs.summary ?? `${rest.summary} (${service.path.replace(/^api\//, '')})`,
    ...((docs.description ?? service.docs?.description)
      ? { description: docs.description ?? service.docs?.description }
      : {}),
    operationId: `${method}${camelPath(service.path)}`,
    ...(parameters.length ? { parameters } : {}),
    ...(rest.body
      ? {
          requestBody: {
            required: method !== 'patch' || docs.body !== undefined,
            content: json(docs.body ?? { type: 'object' }),
          },
        }
      : {}),
    responses: {
      [rest.status]: {
        description: 'Success',
        content: {
          ...json(docs.result ?? {}),
          ...Object.fromEntries(Object.entries(docs.files ?? {}).map(([type, schema]) => [type, { schema }])),
        },
      },
      ...Object.fromEntries(Object.entries(errors).map(([status, text]) => [status, errorResponse(text)])),
    },
    ...(docs.public ? { security: [] } : {}),
  }
}

/**
 * Path items of one custom service: one operation per REST method it serves.
 * @example serviceDocs({ path: 'api/ar', methods: ['find'], docs }) // { '/api/ar': { get: { … } } }
 */
export function serviceDocs(service: DescribedService): Json {
  const base = openApiPath(service.path)
  const params = routeParameters(service.path)
  // an item route under a route that already has an `:id` (`api/reports/:id/run/:__id`)
  const idName = params.some((p) => p.name === 'id') ? '__id' : 'id'
  const out: Record<string, Json> = {}
  for (const method of service.methods.filter(isDocMethod)) {
    const path = REST[method].item && docsOf(service, method).item !== false ? `${base}/{${idName}}` : base
    out[path] ??= params.length ? { parameters: params } : {}
    out[path][REST[method].verb] = operation(service, method, idName)
  }
  return out
}
