/**
 * The metaschema: a JSON Schema 2020-12 document that every entity or extension file must
 * satisfy. It fixes the shape and the allowed keywords; rules that span several keywords
 * (money must be a string, defaults inside the enum…) live in `property-checks.ts`, and rules
 * that span files live in `entity-checks.ts`.
 */
import { X_COLUMN_PATTERN } from './raw.js'

const NAME = '^[a-z][a-zA-Z0-9]*$'

const nameString = { type: 'string', pattern: NAME, maxLength: 63 }
const fieldList = { type: 'array', items: { type: 'string' }, uniqueItems: true }

export const FORMATS = [
  'date-time',
  'date',
  'time',
  'duration',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'uri',
  'uri-reference',
  'uuid',
  'regex',
] as const

export const X_TYPES = ['money', 'percent', 'quantity', 'text', 'json'] as const

/** Keywords of plain JSON Schema accepted on a property (and on nested schemas). */
const standardKeywords = {
  type: { $ref: '#/$defs/propertyType' },
  enum: { type: 'array', minItems: 1, uniqueItems: true, items: { type: ['string', 'number', 'null'] } },
  const: {},
  format: { enum: FORMATS },
  default: {},
  minimum: { type: 'number' },
  maximum: { type: 'number' },
  exclusiveMinimum: { type: 'number' },
  exclusiveMaximum: { type: 'number' },
  minLength: { type: 'integer', minimum: 0 },
  maxLength: { type: 'integer', minimum: 0 },
  pattern: { type: 'string' },
  items: { $ref: '#/$defs/nested' },
  properties: { type: 'object', additionalProperties: { $ref: '#/$defs/nested' } },
  additionalProperties: { if: { type: 'boolean' }, else: { $ref: '#/$defs/nested' } },
  required: { type: 'array', items: { type: 'string' }, uniqueItems: true },
  minItems: { type: 'integer', minimum: 0 },
  maxItems: { type: 'integer', minimum: 0 },
  uniqueItems: { type: 'boolean' },
  description: { type: 'string' },
  title: { type: 'string' },
  readOnly: { type: 'boolean' },
  writeOnly: { type: 'boolean' },
  examples: { type: 'array' },
  $comment: { type: 'string' },
}

const relationsSchema = {
  type: 'object',
  propertyNames: { pattern: NAME, maxLength: 63 },
  additionalProperties: { $ref: '#/$defs/relation' },
}

const indexesSchema = { type: 'array', items: { $ref: '#/$defs/index' } }

const refSchema = {
  type: 'object',
  required: ['entity'],
  additionalProperties: false,
  properties: {
    entity: nameString,
    onDelete: { enum: ['restrict', 'cascade', 'set null'] },
  },
}

export const metaschema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://plume.dev/schemas/entity-file.json',
  title: 'Plume entity or extension file',
  if: { type: 'object', required: ['x-extends'] },
  then: { $ref: '#/$defs/extension' },
  else: { $ref: '#/$defs/entity' },
  $defs: {
    localizedText: {
      type: 'object',
      required: ['en', 'zh-CN'],
      additionalProperties: false,
      properties: {
        en: { type: 'string', minLength: 1 },
        'zh-CN': { type: 'string', minLength: 1 },
      },
    },
    typeName: { enum: ['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'] },
    propertyType: {
      type: ['string', 'array'],
      if: { type: 'string' },
      then: { $ref: '#/$defs/typeName' },
      else: { minItems: 1, maxItems: 2, uniqueItems: true, items: { $ref: '#/$defs/typeName' } },
    },
    fieldUi: {
      type: 'object',
      additionalProperties: false,
      properties: {
        label: { $ref: '#/$defs/localizedText' },
        widget: { type: 'string', minLength: 1 },
        group: { type: 'string', minLength: 1 },
        help: { $ref: '#/$defs/localizedText' },
        hidden: { type: 'boolean' },
        // the widget's options as its Options.vue edits them (admin-ui/src/widgets/*): `{ "placeholder": "…", "limit": 20 }`
        widgetOptions: {
          type: 'object',
          propertyNames: { minLength: 1, maxLength: 63 },
          additionalProperties: { type: ['string', 'number', 'boolean'] },
        },
        // display text per enum value: `{ "in_progress": { "en": "In progress", "zh-CN": "处理中" } }`
        enumLabels: {
          type: 'object',
          minProperties: 1,
          propertyNames: { minLength: 1 },
          additionalProperties: { $ref: '#/$defs/localizedText' },
        },
      },
    },
    property: {
      type: 'object',
      required: ['type'],
      additionalProperties: false,
      properties: {
        ...standardKeywords,
        'x-type': { enum: X_TYPES },
        'x-ref': refSchema,
        'x-unique': { type: 'boolean' },
        'x-sensitive': { type: 'boolean' },
        'x-search': { type: 'boolean' },
        'x-column': { type: 'string', pattern: X_COLUMN_PATTERN },
        'x-ui': { $ref: '#/$defs/fieldUi' },
      },
    },
    // Inside `items` / nested `properties`: plain JSON Schema plus labels for the form.
    nested: {
      type: 'object',
      additionalProperties: false,
      // money and percent inside arrays/objects (tiers, rates) are exact decimal strings too
      properties: {
        ...standardKeywords,
        'x-type': { enum: ['money', 'percent'] },
        'x-ui': { $ref: '#/$defs/fieldUi' },
      },
    },
    properties: {
      type: 'object',
      propertyNames: { pattern: NAME, maxLength: 63 },
      additionalProperties: { $ref: '#/$defs/property' },
    },
    index: {
      type: 'object',
      required: ['fields'],
      additionalProperties: false,
      properties: {
        fields: { ...fieldList, minItems: 1 },
        unique: { type: 'boolean' },
        name: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 63 },
      },
    },
    relation: {
      type: 'object',
      required: ['kind', 'entity'],
      additionalProperties: false,
      properties: {
        kind: { enum: ['belongsTo', 'hasMany', 'manyToMany'] },
        entity: nameString,
        field: nameString,
        through: {
          type: 'object',
          required: ['entity', 'from', 'to'],
          additionalProperties: false,
          properties: { entity: nameString, from: nameString, to: nameString },
        },
      },
      if: { properties: { kind: { const: 'manyToMany' } } },
      then: { required: ['through'] },
      else: { required: ['field'] },
    },
    entityUi: {
      type: 'object',
      required: ['label'],
      additionalProperties: false,
      properties: {
        label: { $ref: '#/$defs/localizedText' },
        pluralLabel: { $ref: '#/$defs/localizedText' },
        icon: { type: 'string' },
        listColumns: fieldList,
        searchFields: fieldList,
        // the order of the fields on forms and details (a stored definition is JSONB, which does not keep key order)
        fieldOrder: fieldList,
        titleField: { type: 'string' },
        groups: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'label', 'fields'],
            additionalProperties: false,
            properties: {
              name: { type: 'string' },
              label: { $ref: '#/$defs/localizedText' },
              fields: fieldList,
            },
          },
        },
        defaultSort: { type: 'object', additionalProperties: { enum: [1, -1] } },
      },
    },
    entity: {
      type: 'object',
      required: ['type', 'x-entity', 'properties', 'x-ui'],
      additionalProperties: false,
      properties: {
        $schema: { const: 'https://json-schema.org/draft/2020-12/schema' },
        $comment: { type: 'string' },
        title: { type: 'string' },
        description: { type: 'string' },
        type: { const: 'object' },
        'x-entity': {
          type: 'object',
          required: ['name', 'plural', 'table', 'domain'],
          additionalProperties: false,
          properties: {
            name: nameString,
            plural: { type: 'string', pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$', maxLength: 63 },
            table: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', maxLength: 63 },
            domain: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' },
            versioned: { type: 'boolean' },
            description: { type: 'string' },
          },
        },
        properties: { $ref: '#/$defs/properties' },
        required: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        // Fail closed: unknown fields are always refused, so `true` is not an option.
        additionalProperties: { const: false },
        'x-indexes': indexesSchema,
        'x-relations': relationsSchema,
        'x-ui': { $ref: '#/$defs/entityUi' },
      },
    },
    extension: {
      type: 'object',
      required: ['x-extends'],
      additionalProperties: false,
      properties: {
        $schema: { const: 'https://json-schema.org/draft/2020-12/schema' },
        $comment: { type: 'string' },
        description: { type: 'string' },
        'x-extends': nameString,
        properties: { $ref: '#/$defs/properties' },
        required: { type: 'array', items: { type: 'string' }, uniqueItems: true },
        'x-indexes': indexesSchema,
        'x-relations': relationsSchema,
        // the reference (foreign key) on a field the target already has, e.g. orders on
        // stockMovement.orderId: the field belongs to the target's plugin, the reference to this one
        'x-refs': {
          type: 'object',
          propertyNames: { pattern: NAME, maxLength: 63 },
          additionalProperties: refSchema,
        },
      },
    },
  },
} as const
