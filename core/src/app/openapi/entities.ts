/** OpenAPI of the generated entity services: record, data and patch schemas, CRUD paths. */
import { stripExtensions, type EntityDefinition } from '@plume/metadata'
import { MAX_TITLES } from '../../service/titles.js'
import { errorResponse, json, pascal, ref } from './shared.js'
import type { Json } from './types.js'

function recordSchema(e: EntityDefinition): Json {
  const properties: Json = {}
  for (const name of e.fieldOrder) {
    const f = e.fields[name]!
    if (f.schema.writeOnly === true) continue
    const s = stripExtensions(f.schema)
    if (f.readOnly || f.serverManaged) s.readOnly = true
    if (f.xType === 'money') s.description = 'Exact decimal amount as a string, e.g. "12.50"'
    properties[name] = s
  }
  return { type: 'object', title: e.ui.label.en, properties, required: ['id', ...e.required] }
}

function dataSchema(e: EntityDefinition, partial: boolean): Json {
  const properties: Json = {}
  for (const f of Object.values(e.fields)) {
    if (f.readOnly || f.serverManaged) continue
    properties[f.name] = stripExtensions(f.schema)
  }
  if (partial && e.versioned)
    properties.version = { type: 'integer', description: 'Expected version (optimistic concurrency)' }
  const required = partial ? [] : e.required.filter((r) => e.fields[r]?.default === undefined)
  return { type: 'object', properties, required, additionalProperties: false }
}

function paths(e: EntityDefinition): Json {
  const Name = pascal(e.name)
  const tag = e.ui.label.en
  const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer' } }
  const filterable = e.fieldOrder.filter((n) => {
    const f = e.fields[n]!
    return f.schema.writeOnly !== true && f.type !== 'object' && f.type !== 'array'
  })
  const references = filterable.filter((n) => e.fields[n]!.ref)
  const queryParams = [
    { name: '$limit', in: 'query', schema: { type: 'integer', minimum: 0 } },
    { name: '$skip', in: 'query', schema: { type: 'integer', minimum: 0 } },
    {
      name: '$sort',
      in: 'query',
      style: 'deepObject',
      schema: { type: 'object', additionalProperties: { enum: [1, -1] } },
    },
    { name: '$select', in: 'query', schema: { type: 'array', items: { enum: filterable } } },
    {
      name: '$total',
      in: 'query',
      schema: { enum: ['true', 'false', 'estimate'] },
      description: 'false skips counting; estimate uses the planner estimate for unfiltered lists',
    },
    ...(references.length
      ? [
          {
            name: '$titles',
            in: 'query',
            schema: { type: 'array', maxItems: MAX_TITLES, items: { enum: references } },
            description:
              "Each row also carries `$titles: {<field>: title | null}`: the referenced record's title, read in the same statement under the caller's rights; null when the reference is empty or the record is not theirs to read",
          },
        ]
      : []),
    ...filterable.map((n) => ({
      name: n,
      in: 'query',
      style: 'deepObject',
      description: 'A value, or operators: $ne $in $nin $lt $lte $gt $gte (and $like $ilike for text)',
      schema: {},
    })),
  ]
  return {
    [`/api/${e.plural}`]: {
      get: {
        tags: [tag],
        summary: `List ${e.ui.pluralLabel?.en ?? tag}`,
        operationId: `find${Name}`,
        parameters: queryParams,
        responses: {
          200: {
            description: 'A page',
            content: json({
              type: 'object',
              properties: {
                total: { type: 'integer', description: '-1 with $total=false' },
                totalEstimated: {
                  type: 'boolean',
                  description: 'true when $total=estimate answered with the planner estimate',
                },
                limit: { type: 'integer' },
                skip: { type: 'integer' },
                data: { type: 'array', items: ref(Name) },
              },
            }),
          },
          400: errorResponse('Invalid query'),
        },
      },
      post: {
        tags: [tag],
        summary: `Create a ${tag}`,
        operationId: `create${Name}`,
        requestBody: { required: true, content: json(ref(`${Name}Data`)) },
        responses: {
          201: { description: 'Created', content: json(ref(Name)) },
          400: errorResponse('Invalid data'),
          409: errorResponse('Conflict'),
        },
      },
    },
    [`/api/${e.plural}/{id}`]: {
      parameters: [idParam],
      get: {
        tags: [tag],
        operationId: `get${Name}`,
        responses: {
          200: { description: 'The record', content: json(ref(Name)) },
          404: errorResponse('Not found'),
        },
      },
      put: {
        tags: [tag],
        operationId: `update${Name}`,
        requestBody: { required: true, content: json(ref(`${Name}Data`)) },
        responses: {
          200: { description: 'Replaced', content: json(ref(Name)) },
          400: errorResponse('Invalid data'),
          404: errorResponse('Not found'),
          409: errorResponse('Version conflict'),
        },
      },
      patch: {
        tags: [tag],
        operationId: `patch${Name}`,
        requestBody: { required: true, content: json(ref(`${Name}Patch`)) },
        responses: {
          200: { description: 'Patched', content: json(ref(Name)) },
          400: errorResponse('Invalid data'),
          404: errorResponse('Not found'),
          409: errorResponse('Version conflict'),
        },
      },
      delete: {
        tags: [tag],
        operationId: `remove${Name}`,
        responses: {
          200: { description: 'Removed', content: json(ref(Name)) },
          404: errorResponse('Not found'),
        },
      },
    },
  }
}

/**
 * Schemas (`<Name>`, `<Name>Data`, `<Name>Patch`) and CRUD paths of one entity's service.
 * @example const { schemas, paths } = entityDocs(customer)
 */
export function entityDocs(e: EntityDefinition): { schemas: Json; paths: Json } {
  const Name = pascal(e.name)
  return {
    schemas: {
      [Name]: recordSchema(e),
      [`${Name}Data`]: dataSchema(e, false),
      [`${Name}Patch`]: dataSchema(e, true),
    },
    paths: paths(e),
  }
}
