/** How the import services describe themselves in `/api/openapi.json`. */
import { PAGING, objectSchema, pageOf, type ServiceDocs } from '@plume/core'

const TAG = 'Import'
const importRef = { $ref: '#/components/schemas/Import' }
const rowError = {
  type: 'object',
  properties: {
    row: { type: 'integer', description: 'Row in the file (the header is row 1; 0: the whole import)' },
    column: { type: 'string', description: 'The column header' },
    message: { type: 'string' },
  },
}
const IMPORT = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    entity: { type: 'string', description: 'The entity imported into, or openingStock' },
    format: { enum: ['csv', 'xlsx'] },
    filename: { type: ['string', 'null'] },
    status: { enum: ['uploading', 'uploaded', 'queued', 'running', 'checked', 'failed', 'done', 'error'] },
    mode: { enum: ['dry-run', 'commit', null] },
    header: { type: 'array', items: { type: 'string' }, description: 'The columns of the file' },
    mapping: {
      type: 'object',
      additionalProperties: { type: ['string', 'null'] },
      description: 'File column → field (`billingAddress.city` for a property), null: left out',
    },
    columns: {
      type: 'array',
      items: { type: 'object' },
      description:
        'Fields a column may map to, with labels (en, zh-CN), required, and for relations the keys their values may be given by',
    },
    upsertKey: {
      type: 'array',
      items: { type: 'string' },
      description: 'Fields naming an existing record to update instead of creating one',
    },
    sample: {
      type: 'array',
      items: { type: 'array', items: { type: 'string' } },
      description: 'The first rows of the file',
    },
    total: { type: 'integer' },
    processed: { type: 'integer' },
    created: { type: 'integer' },
    updated: { type: 'integer' },
    errorCount: { type: 'integer' },
    errors: {
      type: 'array',
      items: rowError,
      description: 'The first 1,000 row errors (all of them: GET /api/imports/{id}/errors)',
    },
    startedAt: { type: ['string', 'null'], format: 'date-time' },
    finishedAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
  },
}

export const importsDocs: ServiceDocs = {
  tag: TAG,
  description:
    'CSV/XLSX import into any entity (customers, contacts, products, price-list items …) or opening stock (`openingStock`). Upload the file (base64, in parts of up to 700 KB), check the column mapping, run a dry run that lists every row error and writes nothing, then commit: every row or none, as the uploader (their permissions apply), in a background job. A row whose upsert key finds a record updates it. See docs/import.md.',
  schemas: { Import: IMPORT },
  operations: {
    find: {
      summary: 'Your imports, newest first',
      query: objectSchema({ ...PAGING }),
      result: pageOf(importRef),
    },
    get: { summary: 'An import: mapping, progress, counts and its first row errors', result: importRef },
    create: {
      summary: 'Upload a file (or its first part)',
      body: objectSchema(
        {
          entity: { type: 'string' },
          format: { enum: ['csv', 'xlsx'] },
          filename: { type: 'string' },
          file: {
            type: 'string',
            contentEncoding: 'base64',
            description: 'The file or its first part, base64',
          },
          more: { type: 'boolean', description: 'true: more parts follow (PATCH with append)' },
          locale: {
            enum: ['en', 'zh-CN'],
            description: 'Language of the row errors (default: Accept-Language)',
          },
          mapping: { type: 'object' },
          upsertKey: { type: 'array', items: { type: 'string' } },
        },
        ['entity', 'format', 'file'],
      ),
      result: importRef,
      errors: { 413: 'The file is larger than 50 MB' },
    },
    patch: {
      summary: 'Append a part, change the mapping or upsert key, or run: dry-run or commit',
      body: objectSchema({
        append: { type: 'string', contentEncoding: 'base64' },
        more: { type: 'boolean' },
        mapping: { type: 'object' },
        upsertKey: { type: 'array', items: { type: 'string' } },
        run: { enum: ['dry-run', 'commit'] },
      }),
      result: importRef,
      errors: { 409: 'The import is running, or was committed already' },
    },
  },
}

export const importErrorsDocs: ServiceDocs = {
  tag: TAG,
  description:
    "Every row error of an import's last run as a CSV file (row, column, message; UTF-8 with a BOM).",
  operations: {
    find: {
      summary: 'Download the row errors (CSV)',
      result: { type: 'string' },
      files: { 'text/csv': { type: 'string' } },
    },
  },
}
