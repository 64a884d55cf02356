import { conditionDefs, IDENT, RULE_NAME } from '../rules/schema.js'

const FACTS = ['user', 'action', 'entity', 'data', 'record']
const scalar = { type: ['string', 'number', 'boolean', 'null'] }

/**
 * JSON Schema (2020-12) of one permission rule (conditions: the one format of `core/src/rules`). Structure only: names of entities, fields and
 * facts are checked against the registry by `validateRule`.
 */
export const permissionRuleSchema = {
  $id: 'https://plume.dev/schemas/permission-rule.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'effect', 'entities', 'actions', 'conditions'],
  properties: {
    name: { type: 'string', pattern: RULE_NAME },
    description: { type: 'string', maxLength: 1000 },
    effect: { enum: ['allow', 'deny'] },
    entities: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      uniqueItems: true,
      items: { type: 'string', pattern: '^(\\*|[a-z][A-Za-z0-9]{0,62})$' },
    },
    actions: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      uniqueItems: true,
      items: { type: 'string', pattern: '^(\\*|[a-z][A-Za-z0-9_-]{0,62}(:[a-z][A-Za-z0-9_-]{0,62})?)$' },
    },
    conditions: { $ref: '#/$defs/top' },
    row: { $ref: '#/$defs/query' },
    fields: {
      type: 'object',
      additionalProperties: false,
      properties: {
        hidden: {
          type: 'array',
          uniqueItems: true,
          maxItems: 500,
          items: { type: 'string', pattern: IDENT },
        },
        readOnly: {
          type: 'array',
          uniqueItems: true,
          maxItems: 500,
          items: { type: 'string', pattern: IDENT },
        },
      },
    },
    priority: { type: 'integer', minimum: -1000, maximum: 1000 },
  },
  $defs: {
    ...conditionDefs({ enum: FACTS }),
    factRef: {
      type: 'object',
      additionalProperties: false,
      required: ['$fact'],
      properties: { $fact: { type: 'string', pattern: '^user(\\.[A-Za-z_][A-Za-z0-9_]{0,62}){1,3}$' } },
    },
    value: { anyOf: [scalar, { $ref: '#/$defs/factRef' }] },
    fieldCondition: {
      anyOf: [
        { $ref: '#/$defs/value' },
        {
          type: 'object',
          minProperties: 1,
          not: { required: ['$fact'] },
          additionalProperties: false,
          properties: {
            $ne: { $ref: '#/$defs/value' },
            $lt: { $ref: '#/$defs/value' },
            $lte: { $ref: '#/$defs/value' },
            $gt: { $ref: '#/$defs/value' },
            $gte: { $ref: '#/$defs/value' },
            $like: { type: 'string' },
            $ilike: { type: 'string' },
            $notlike: { type: 'string' },
            $in: {
              anyOf: [
                { type: 'array', maxItems: 1000, items: { $ref: '#/$defs/value' } },
                { $ref: '#/$defs/factRef' },
              ],
            },
            $nin: {
              anyOf: [
                { type: 'array', maxItems: 1000, items: { $ref: '#/$defs/value' } },
                { $ref: '#/$defs/factRef' },
              ],
            },
          },
        },
      ],
    },
    query: {
      type: 'object',
      maxProperties: 50,
      propertyNames: { pattern: '^(\\$or|\\$and|[A-Za-z_][A-Za-z0-9_]{0,62})$' },
      properties: {
        $or: { type: 'array', minItems: 1, maxItems: 50, items: { $ref: '#/$defs/query' } },
        $and: { type: 'array', minItems: 1, maxItems: 50, items: { $ref: '#/$defs/query' } },
      },
      additionalProperties: { $ref: '#/$defs/fieldCondition' },
    },
  },
} as const
