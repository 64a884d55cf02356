import { BadRequest } from '@feathersjs/errors'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { AGGREGATES, CHARTS, PERIODS, type ReportDefinition } from './types.js'

const name = { type: 'string', minLength: 1, maxLength: 63 }
const path = { type: 'string', minLength: 1, maxLength: 200 }

const dimension = {
  oneOf: [
    path,
    {
      type: 'object',
      additionalProperties: false,
      required: ['field'],
      properties: { field: path, period: { enum: [...PERIODS] }, bucket: { enum: ['aging'] }, as: name },
    },
  ],
}

const measure = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['fn'],
      properties: {
        fn: { enum: [...AGGREGATES] },
        field: path,
        times: path,
        where: { type: 'object' },
        as: name,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['formula', 'as'],
      properties: {
        formula: { type: 'string', minLength: 1, maxLength: 500 },
        as: name,
        decimals: { type: 'integer', minimum: 0, maximum: 8 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['field', 'aggregate'],
      properties: { field: path, aggregate: { enum: ['count', 'sum', 'avg', 'min', 'max'] } },
    },
  ],
}

/** The JSON Schema of a report definition as `api/reports` accepts it. */
export const reportDefinitionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'entity'],
  properties: {
    id: { type: 'integer' },
    code: { type: 'string', minLength: 1, maxLength: 32, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    label: {
      type: ['object', 'null'],
      additionalProperties: false,
      properties: { en: { type: 'string', maxLength: 200 }, 'zh-CN': { type: 'string', maxLength: 200 } },
    },
    entity: { type: 'string', maxLength: 63, pattern: '^[a-z][a-zA-Z0-9]*$' },
    dimensions: { type: 'array', maxItems: 8, items: dimension },
    measures: { type: 'array', maxItems: 20, items: measure },
    filters: { type: 'object' },
    periodGrouping: { enum: ['none', ...PERIODS, null] },
    chart: { enum: [...CHARTS, null] },
    builtIn: { type: 'boolean' },
    schedule: { type: ['string', 'null'], maxLength: 100 },
    version: { type: 'integer' },
    createdAt: {},
    updatedAt: {},
  },
} as const

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true })
const check = ajv.compile<ReportDefinition>(reportDefinitionSchema)

/**
 * Structural check (400 listing `{path, message}` per problem).
 * @example assertDefinitionShape({ code: 'x', name: 'X', entity: 'order' })
 */
export function assertDefinitionShape(value: unknown, partial = false): asserts value is ReportDefinition {
  const candidate =
    partial && value && typeof value === 'object' ? { code: 'x', name: 'x', entity: 'x', ...value } : value
  if (check(candidate)) return
  const errors = (check.errors ?? [])
    // oneOf reports every branch; keep the most specific problems
    .filter((e) => e.keyword !== 'oneOf')
    .map((e) => ({
      path: e.instancePath || '/',
      message:
        e.keyword === 'additionalProperties'
          ? `unknown property "${String((e.params as { additionalProperty?: string }).additionalProperty)}"`
          : (e.message ?? 'is invalid'),
    }))
  const first = errors[0] ?? { path: '/', message: 'is invalid' }
  throw new BadRequest(`Invalid report definition: ${first.path} ${first.message}`, { errors })
}
