/** How `api/rules` and `api/permissions/explain` describe themselves in `/api/openapi.json`. */
import { objectSchema } from '../app/openapi/shared.js'
import type { ServiceDocs } from '../app/openapi/types.js'
import { permissionRuleSchema } from './schema.js'

const stored = { $ref: '#/components/schemas/StoredPermissionRule' }
const body = (required: string[]) =>
  objectSchema(
    {
      definition: { $ref: '#/components/schemas/PermissionRule' },
      enabled: { type: 'boolean' },
      version: { type: 'integer', description: 'Expected version (optimistic concurrency)' },
    },
    required,
  )

export const rulesDocs: ServiceDocs = {
  tag: 'Permissions',
  description:
    'Permission rules as data (admins only). A change applies on every instance within PLUME_RULES_SYNC_MS.',
  id: { type: 'integer', minimum: 1 },
  schemas: {
    PermissionRule: permissionRuleSchema,
    StoredPermissionRule: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        enabled: { type: 'boolean' },
        version: { type: 'integer' },
        source: { type: 'string' },
        definition: { $ref: '#/components/schemas/PermissionRule' },
      },
    },
  },
  operations: {
    find: { summary: 'List permission rules', result: { type: 'array', items: stored } },
    get: { summary: 'Get a permission rule', result: stored },
    create: {
      summary: 'Add a permission rule',
      body: body(['definition']),
      result: stored,
      errors: { 409: 'A rule with that name exists' },
    },
    update: {
      summary: 'Replace a permission rule',
      body: body(['definition']),
      result: stored,
      errors: { 409: 'Version conflict or name taken' },
    },
    patch: {
      summary: 'Change a permission rule (enable, disable, edit)',
      body: body([]),
      result: stored,
      errors: { 409: 'Version conflict or name taken' },
    },
    remove: { summary: 'Delete a permission rule', result: stored },
  },
}

export const explainDocs: ServiceDocs = {
  tag: 'Permissions',
  operations: {
    find: {
      summary: 'Explain what the rules decide for a user, an action and an entity (optionally one record)',
      query: objectSchema(
        {
          userId: { type: 'integer', minimum: 1 },
          action: {
            type: 'string',
            description:
              'find, get, create, update, patch, remove or an action permission such as orders:submit',
          },
          entity: { type: 'string', description: 'Entity name, e.g. order' },
          recordId: { type: 'integer', minimum: 1, description: 'Also say whether this record is in scope' },
        },
        ['userId', 'action', 'entity'],
      ),
      result: {
        type: 'object',
        properties: {
          allowed: { type: 'boolean' },
          reason: { type: 'string' },
          matched: { type: 'array', items: { type: 'object' } },
          errors: { type: 'array', items: { type: 'object' } },
          rowCondition: { type: ['object', 'null'] },
          hidden: { type: 'array', items: { type: 'string' } },
          hiddenUnless: { type: 'object' },
          readOnly: { type: 'array', items: { type: 'string' } },
          grants: { type: 'array', items: { type: 'object' } },
          record: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              exists: { type: 'boolean' },
              inScope: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
}

const fieldErrors = {
  type: 'array',
  items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
}

export const rulesValidateDocs: ServiceDocs = {
  tag: 'Permissions',
  operations: {
    create: {
      summary: 'Check a permission rule without saving it (the checks a save runs)',
      description:
        'Needs `create` on `rule`. Answers 200 with the problems, each with a JSON pointer into the rule (`/row/nope`).',
      body: objectSchema({ definition: { $ref: '#/components/schemas/PermissionRule' } }),
      result: { type: 'object', properties: { valid: { type: 'boolean' }, errors: fieldErrors } },
    },
  },
}

export const ruleVersionsDocs: ServiceDocs = {
  tag: 'Permissions',
  operations: {
    find: {
      summary: 'The history of a permission rule, newest first (revert by saving an old definition)',
      result: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            version: { type: 'integer' },
            change: { type: 'string' },
            definition: { $ref: '#/components/schemas/PermissionRule' },
            enabled: { type: 'boolean' },
            updatedAt: { type: 'string', format: 'date-time' },
            updatedBy: { type: ['integer', 'null'] },
          },
        },
      },
    },
  },
}
