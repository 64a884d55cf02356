import { conditionDefs, IDENT, RULE_NAME } from '../rules/schema.js'

/** JSON Schema (2020-12) of one alert/automation rule: conditions in the one format of `core/src/rules`; structure only (names are checked by validateAutomationRule). */
export const automationRuleSchema = {
  $id: 'https://plume.dev/schemas/automation-rule.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'trigger', 'conditions', 'actions'],
  properties: {
    name: { type: 'string', pattern: RULE_NAME },
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
    actions: {
      type: 'array',
      minItems: 1,
      maxItems: 20,
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,40}$' } },
      },
    },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      required: ['max', 'perSeconds'],
      properties: {
        max: { type: 'integer', minimum: 1, maximum: 100000 },
        perSeconds: { type: 'integer', minimum: 1, maximum: 31_536_000 },
      },
    },
  },
  $defs: conditionDefs({ type: 'string', pattern: IDENT }),
} as const
