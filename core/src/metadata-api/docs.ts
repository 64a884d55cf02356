/** How the run-time metadata routes describe themselves in `/api/openapi.json`. */
import { objectSchema } from '../app/openapi/shared.js'
import type { Json, ServiceDocs } from '../app/openapi/types.js'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const TAG = 'Entity definitions'
const strings = { type: 'array', items: { type: 'string' } }
const definition = {
  type: 'object',
  description: 'An entity definition: the JSON of an entity file (docs/metadata.md)',
}
const renames = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Field renames, old name → new name (run as ALTER … RENAME, values kept)',
}
const confirm = {
  ...strings,
  description:
    'Destructive steps the plan lists in confirmRequired, named to confirm them (e.g. "drop-column:fax")',
}

const plan: Json = {
  type: 'object',
  properties: {
    entity: { type: 'string' },
    table: { type: 'string' },
    fromVersion: { type: 'integer' },
    hash: { type: 'string', description: 'Send it to apply; 409 when the schema moved since' },
    statements: strings,
    added: strings,
    renamed: {
      type: 'array',
      items: { type: 'object', properties: { from: { type: 'string' }, to: { type: 'string' } } },
    },
    retyped: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          cast: { enum: ['widen', 'narrow', 'convert', 'refused'] },
          rowsFailing: { type: 'integer' },
          rowsChanged: { type: 'integer' },
        },
      },
    },
    dropped: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, rowsWithValues: { type: 'integer' } },
      },
    },
    destructive: {
      type: 'array',
      items: {
        type: 'object',
        properties: { step: { type: 'string' }, field: { type: 'string' }, detail: { type: 'string' } },
      },
    },
    confirmRequired: strings,
    dataLost: strings,
    warnings: strings,
    blocked: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
}
const reverse = {
  type: 'object',
  properties: { statements: strings, renames, lossless: { type: 'boolean' }, notes: strings },
}
const applied: Json = {
  allOf: [
    ref('DefinitionPlan'),
    { type: 'object', properties: { version: { type: 'integer' }, reverse: ref('ReversePlan') } },
  ],
}
const ownership = {
  type: 'object',
  properties: { kind: { enum: ['core', 'plugin', 'custom'] }, plugin: { type: 'string' } },
}
const summary: Json = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    plural: { type: 'string' },
    table: { type: 'string' },
    route: { type: 'string' },
    ownership,
    customized: { type: 'boolean' },
    version: { type: 'integer' },
    label: { type: 'object' },
    served: { type: 'boolean' },
  },
}
const schemas = {
  DefinitionPlan: plan,
  ReversePlan: reverse,
  AppliedDefinition: applied,
  DefinitionSummary: summary,
}
const name = { type: 'string', description: 'Entity name, e.g. "lead"' }

export const definitionsDocs: ServiceDocs = {
  tag: TAG,
  description:
    'Entity definitions at run time (admins): list with ownership, create custom entities, change or customize them, remove a custom one (its table stays).',
  id: name,
  schemas,
  operations: {
    find: {
      summary: 'List every entity definition with its ownership (core, plugin, custom)',
      query: objectSchema({}),
      result: { type: 'array', items: ref('DefinitionSummary') },
    },
    get: {
      summary: 'One definition: in effect, from the file, and the customization',
      result: {
        allOf: [
          ref('DefinitionSummary'),
          { type: 'object', properties: { definition, file: definition, customization: { type: 'object' } } },
        ],
      },
    },
    create: {
      summary: 'Create a custom entity (table created, served at once)',
      body: objectSchema({ definition, confirm }, ['definition']),
      result: ref('AppliedDefinition'),
      errors: { 400: 'Invalid definition: errors name the JSON path' },
    },
    patch: {
      summary: 'Change a definition and apply it (destructive steps need confirm)',
      body: objectSchema({ definition, renames, confirm }, ['definition']),
      result: ref('AppliedDefinition'),
      errors: { 400: 'Invalid definition or unconfirmed destructive step', 409: 'Blocked: rows fail a cast' },
    },
    remove: {
      summary: 'Remove a custom entity (its table and rows stay) or a customization',
      query: objectSchema({
        confirm: { type: 'string', description: 'Comma-separated destructive steps to confirm' },
      }),
      result: ref('AppliedDefinition'),
    },
  },
}

export const previewDocs: ServiceDocs = {
  tag: TAG,
  schemas,
  operations: {
    create: {
      summary:
        'Plan a change: SQL, added/renamed/retyped/dropped fields, rows failing a cast, data lost, and a hash; nothing is written',
      body: objectSchema({ definition, renames }, ['definition']),
      result: ref('DefinitionPlan'),
    },
  },
}
export const applyDocs: ServiceDocs = {
  tag: TAG,
  schemas,
  operations: {
    create: {
      summary: 'Apply exactly the previewed plan, in one transaction',
      body: objectSchema({ definition, renames, confirm, hash: { type: 'string' } }, ['definition', 'hash']),
      result: ref('AppliedDefinition'),
      errors: { 409: 'The schema moved since the preview (preview again), or the plan is blocked' },
    },
  },
}
export const versionsDocs: ServiceDocs = {
  tag: TAG,
  schemas,
  operations: {
    find: {
      summary: 'Every change applied through the API, with its statements and reverse plan',
      query: objectSchema({}),
      result: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            version: { type: 'integer' },
            kind: { type: 'string' },
            before: { type: ['object', 'null'] },
            after: { type: ['object', 'null'] },
            renames,
            statements: strings,
            reverse: ref('ReversePlan'),
            actor: { type: ['string', 'null'] },
            appliedAt: { type: 'string', format: 'date-time' },
          },
        },
      },
    },
  },
}
export const rollbackDocs: ServiceDocs = {
  tag: TAG,
  schemas,
  operations: {
    create: {
      summary: 'Restore the definition and schema from before a version',
      body: objectSchema({ version: { type: 'integer' }, confirm }, ['version']),
      result: ref('AppliedDefinition'),
      errors: { 409: 'A later change lost data a rollback cannot restore' },
    },
  },
}

const snapshot = {
  type: 'object',
  properties: {
    format: { const: 'plume-metadata/1' },
    custom: { type: 'object' },
    customizations: { type: 'object' },
    files: { type: 'object' },
  },
  required: ['format'],
}
const diff = {
  type: 'object',
  properties: {
    empty: { type: 'boolean' },
    changes: {
      type: 'array',
      items: {
        type: 'object',
        properties: { entity: { type: 'string' }, kind: { type: 'string' }, plan: ref('DefinitionPlan') },
      },
    },
    warnings: strings,
  },
}
const snapshotBody = objectSchema(
  {
    snapshot,
    confirm: { ...strings, description: 'Destructive steps as "<entity>:<step>"' },
    renames: { type: 'object', additionalProperties: renames },
  },
  ['snapshot'],
)
export const snapshotDocs: ServiceDocs = {
  tag: 'Metadata',
  schemas,
  operations: {
    find: {
      summary: 'The model as files: custom entities, customizations, fingerprints of file-made entities',
      query: objectSchema({}),
      result: snapshot,
    },
  },
}
export const diffDocs: ServiceDocs = {
  tag: 'Metadata',
  schemas,
  operations: {
    create: {
      summary: 'What applying a snapshot would change here (planned, rolled back)',
      body: snapshotBody,
      result: diff,
    },
  },
}
export const snapshotApplyDocs: ServiceDocs = {
  tag: 'Metadata',
  schemas,
  operations: {
    create: {
      summary: 'Apply a snapshot in one transaction (a second apply finds nothing to do)',
      body: snapshotBody,
      result: diff,
    },
  },
}
