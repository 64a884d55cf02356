/**
 * `/api/openapi.json`: derived from what is mounted — entity services from their definitions,
 * actions from their declarations, every other service from its `docs` (or a generic
 * description), system routes from their table. Nothing is listed by hand.
 */
import type { EntityDefinition } from '@plume/metadata'
import type { ActionInfo } from '../../plugins/actions.js'
import { SERVICE_OPTIONS } from '../../plugins/mount.js'
import type { PlumeApp } from '../../kernel/types.js'
import { actionDocs } from './actions.js'
import { entityDocs } from './entities.js'
import { SECURITY, securitySchemes } from './security.js'
import { serviceDocs, type DescribedService } from './services.js'
import { errorResponse, json } from './shared.js'
import type { Json, OperationDocs, ServiceDocs } from './types.js'

export type { DocMethod, Json, OperationDocs, ServiceDocs } from './types.js'
export type { DescribedService } from './services.js'
export { PAGING, objectSchema, pageOf } from './shared.js'

/** A plain route outside the services (`/health`), described for the document. */
export interface DescribedRoute {
  path: string
  docs: OperationDocs
}

/** Everything the document is derived from. */
export interface ApiDescription {
  version: string
  entities: EntityDefinition[]
  actions: Array<{ entity: EntityDefinition; info: ActionInfo }>
  services: DescribedService[]
  routes: DescribedRoute[]
}

const ERROR_SCHEMA: Json = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    message: { type: 'string' },
    code: { type: 'integer' },
    className: { type: 'string' },
    data: { type: 'object' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
  required: ['name', 'message', 'code'],
}

const methodsOf = (svc: unknown): string[] => [
  ...((svc as Record<symbol, { methods?: string[] } | undefined>)[SERVICE_OPTIONS]?.methods ?? []),
]

/**
 * What `app` serves right now: entity services, actions and custom services as mounted (a
 * disabled plugin's are absent), services with no external method left out.
 * @example const doc = openApiDocument(describeApp(app, routes))
 */
export function describeApp(app: PlumeApp, routes: DescribedRoute[]): ApiDescription {
  const services = app.services as Record<string, unknown>
  const byPath = new Map([...app.get('entities').values()].map((e) => [`api/${e.plural}`, e]))
  const actionsByPath = new Map<string, { entity: EntityDefinition; info: ActionInfo }>()
  for (const [name, list] of app.get('actions') ?? []) {
    const entity = app.get('entities').get(name)
    if (entity) for (const info of list) actionsByPath.set(info.path, { entity, info })
  }
  const out: ApiDescription = {
    version: String(app.get('version') ?? '0.0.0'),
    entities: [],
    actions: [],
    services: [],
    routes,
  }
  for (const [path, svc] of Object.entries(services)) {
    const methods = methodsOf(svc)
    if (methods.length === 0) continue
    const entity = byPath.get(path)
    const action = actionsByPath.get(path)
    if (entity) out.entities.push(entity)
    else if (action) out.actions.push(action)
    else out.services.push({ path, methods, docs: (svc as { docs?: ServiceDocs }).docs })
  }
  return out
}

function routeDocs(route: DescribedRoute): Json {
  const d = route.docs
  return {
    [route.path]: {
      get: {
        tags: ['System'],
        summary: d.summary ?? route.path,
        ...(d.description ? { description: d.description } : {}),
        operationId: `get${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
        responses: {
          200: {
            description: 'Success',
            content:
              route.path.endsWith('.json') || d.result
                ? json(d.result ?? {})
                : { 'text/html': { schema: { type: 'string' } } },
          },
          ...Object.fromEntries(Object.entries(d.errors ?? {}).map(([s, text]) => [s, errorResponse(text)])),
        },
        ...(d.public ? { security: [] } : {}),
      },
    },
  }
}

/**
 * The OpenAPI 3.1 document of an API description.
 * @example const doc = openApiDocument(describeApp(app, []))
 */
export function openApiDocument(api: ApiDescription): Json {
  const schemas: Json = { Error: ERROR_SCHEMA }
  const paths: Json = {}
  const add = (more: Json) => {
    for (const [p, item] of Object.entries(more))
      paths[p] = { ...((paths[p] as Json | undefined) ?? {}), ...(item as Json) }
  }
  for (const e of [...api.entities].sort((a, b) => a.name.localeCompare(b.name))) {
    const d = entityDocs(e)
    Object.assign(schemas, d.schemas)
    add(d.paths)
  }
  for (const a of [...api.actions].sort((x, y) => x.info.path.localeCompare(y.info.path)))
    add(actionDocs(a.entity, a.info))
  for (const s of [...api.services].sort((x, y) => x.path.localeCompare(y.path))) {
    Object.assign(schemas, s.docs?.schemas ?? {})
    add(serviceDocs(s))
  }
  for (const r of api.routes) add(routeDocs(r))
  for (const s of api.services) {
    for (const [name, props] of Object.entries(s.docs?.extends ?? {})) {
      const target = schemas[name] as Json | undefined
      if (target)
        schemas[name] = {
          ...target,
          properties: { ...((target.properties as Json | undefined) ?? {}), ...props },
        }
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Plume API',
      version: api.version,
      description:
        'Generated from what the server mounts: entity metadata, actions, services. Authenticate with POST /api/authentication and send `Authorization: Bearer <accessToken>`, or send an API key as `X-Api-Key`.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    servers: [{ url: '/' }],
    security: SECURITY,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: { schemas, securitySchemes: securitySchemes() },
  }
}
