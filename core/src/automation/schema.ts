const OPS = ['equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']
const IDENT = '^[A-Za-z_][A-Za-z0-9_]{0,62}$'
const PATH = '^\\$(\\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,4}$'

/** JSON Schema (2020-12) of one alert/automation rule: structure only (names are checked by validateAutomationRule). */
export const automationRuleSchema = {
  $id: 'https://plume.dev/schemas/automation-rule.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'trigger', 'conditions', 'actions'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.:-]{0,99}$' },
    description: { type: 'string', maxLength: 1000 },
    trigger: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: ['event', 'schedule'] } },
      if: { properties: { type: { const: 'event' } } },
      then: {
        additionalProperties: false,
        required: ['type', 'entity', 'on'],
        properties: {
          type: { const: 'event' },
          entity: { type: 'string', pattern: '^[a-z][A-Za-z0-9]{0,62}$' },
          on: { enum: ['created', 'patched', 'updated', 'removed', 'transition'] },
          action: { type: 'string', pattern: '^[a-z][A-Za-z0-9_-]{0,62}$' },
          phase: { enum: ['before', 'after'] },
        },
      },
      else: {
        additionalProperties: false,
        required: ['type', 'cron'],
        properties: {
          type: { const: 'schedule' },
          cron: { type: 'string', minLength: 9, maxLength: 120 },
          timezone: { type: 'string', maxLength: 64 },
        },
      },
    },
    forEach: { type: 'string', pattern: IDENT },
    conditions: { $ref: '#/$defs/top' },
    actions: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'object', required: ['type'], properties: { type: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,40}$' } } } },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      required: ['max', 'perSeconds'],
      properties: { max: { type: 'integer', minimum: 1, maximum: 100000 }, perSeconds: { type: 'integer', minimum: 1, maximum: 31_536_000 } },
    },
  },
  $defs: {
    top: {
      type: 'object',
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
      properties: {
        all: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/node' } },
        any: { type: 'array', minItems: 1, maxItems: 100, items: { $ref: '#/$defs/node' } },
        not: { $ref: '#/$defs/node' },
      },
    },
    node: { if: { type: 'object', required: ['fact'] }, then: { $ref: '#/$defs/leaf' }, else: { $ref: '#/$defs/top' } },
    leaf: {
      type: 'object',
      additionalProperties: false,
      required: ['fact', 'operator', 'value'],
      properties: {
        fact: { type: 'string', pattern: IDENT },
        path: { type: 'string', pattern: PATH },
        operator: { enum: OPS },
        value: {
          anyOf: [
            { type: ['string', 'number', 'boolean', 'null'] },
            { type: 'array', maxItems: 1000, items: { type: ['string', 'number', 'boolean', 'null'] } },
            { type: 'object', additionalProperties: false, required: ['fact'], properties: { fact: { type: 'string', pattern: IDENT }, path: { type: 'string', pattern: PATH } } },
          ],
        },
      },
    },
  },
} as const
