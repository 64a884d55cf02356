/** How the reporting services describe themselves in `/api/openapi.json`. */
import { PAGING, objectSchema, pageOf, type ServiceDocs } from '@plume/core'
import { reportDefinitionSchema } from '../definition/schema.js'

const TAG = 'Reporting'
const definition = { $ref: '#/components/schemas/ReportDefinition' }
const idOrCode = { type: 'string', description: 'The report id or its code' }

const PARAMETERS_OF = {
  type: 'object',
  description: 'What a run of this report takes, derived from the definition',
  properties: {
    dateField: { type: 'string', description: '`from` / `to` apply to this date field' },
    period: { type: 'string', description: 'the period the report groups by (`period` changes it)' },
    asOf: { type: 'boolean', description: '`asOf` matters (aging, "without … within")' },
    days: { type: 'integer', description: 'the `within` window in days (`days` changes it)' },
    filters: {
      type: 'array',
      items: { type: 'object', properties: { field: { type: 'string' }, entity: { type: 'string' } } },
      description: 'fields a run may be filtered by (`filters: { <field>: id }`)',
    },
  },
}

export const reportsDocs: ServiceDocs = {
  tag: TAG,
  description:
    'Report definitions as data (guarded as the `reports` resource). Built-in reports can be renamed and scheduled, not changed or removed.',
  id: idOrCode,
  schemas: { ReportDefinition: reportDefinitionSchema },
  operations: {
    find: { summary: 'List report definitions', result: pageOf(definition) },
    get: {
      summary: 'Get a report definition, with the parameters a run takes',
      result: { allOf: [definition, { type: 'object', properties: { parameters: PARAMETERS_OF } }] },
    },
    create: {
      summary: 'Add a report definition',
      body: definition,
      result: definition,
      errors: { 409: 'The code is taken' },
    },
    patch: {
      summary: 'Change a report definition',
      body: { type: 'object', description: 'Fields of ReportDefinition to change' },
      result: definition,
    },
    remove: { summary: 'Remove a report definition (not a built-in one)', result: definition },
  },
}

const PARAMETERS = {
  from: { type: 'string', format: 'date' },
  to: { type: 'string', format: 'date' },
  asOf: { type: 'string', format: 'date' },
  days: { type: 'integer', minimum: 1 },
  period: { type: 'string', description: 'day, week, month, quarter or year' },
  filters: { type: 'object', description: 'Field filters in the Feathers query syntax' },
  limit: { type: 'integer', minimum: 1 },
}
const RESULT = {
  type: 'object',
  properties: {
    report: { type: 'object' },
    available: { type: 'boolean' },
    message: { type: 'string' },
    columns: { type: 'array', items: { type: 'object' } },
    rows: { type: 'array', items: { type: 'object' } },
    truncated: { type: 'boolean' },
    params: { type: 'object' },
    generatedAt: { type: 'string', format: 'date-time' },
  },
}
const FILES = {
  'text/csv': { type: 'string' },
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { type: 'string', format: 'binary' },
}
const FORMAT = { enum: ['json', 'csv', 'xlsx'], description: 'csv or xlsx answers a file download' }
const LABELS = {
  enum: ['en', 'zh-CN'],
  description: 'csv / xlsx: the header row names the columns in this language (default: column keys)',
}

export const reportRunDocs: ServiceDocs = {
  tag: TAG,
  description: "Runs a report with the caller's permissions (rows they may not see are not counted).",
  operations: {
    find: {
      summary: 'Run a report (parameters in the query string)',
      query: objectSchema({ ...PARAMETERS, format: FORMAT, labels: LABELS }),
      result: RESULT,
      files: FILES,
    },
    create: {
      summary: 'Run a report (parameters in the body)',
      body: objectSchema(PARAMETERS),
      result: RESULT,
      files: FILES,
    },
  },
}

export const reportFilesDocs: ServiceDocs = {
  tag: TAG,
  id: { type: 'integer', minimum: 1 },
  operations: {
    find: {
      summary: 'Files produced by scheduled reports, newest first',
      query: objectSchema({ ...PAGING, reportCode: { type: 'string' } }),
      result: pageOf({ type: 'object' }),
    },
    get: { summary: 'Download a produced file', result: { type: 'object' }, files: FILES },
  },
}
