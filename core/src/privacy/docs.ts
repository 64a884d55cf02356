import type { ServiceDocs } from '../app/openapi/types.js'

/** How `api/privacy/customers` describes itself in `/api/openapi.json`. */
export const customerPrivacyDocs: ServiceDocs = {
  tag: 'Privacy',
  description:
    'Personal data of a customer (GDPR, PIPL), admins only: export everything held about them, or erase their personal fields (invoices and ledgers keep what tax law requires; the erasure is audited as privacy.erase).',
  id: { type: 'integer', minimum: 1 },
  operations: {
    get: {
      summary:
        "Export a customer's personal data: their record and every record referring to them or their contacts",
      result: {
        type: 'object',
        properties: {
          customerId: { type: 'integer' },
          exportedAt: { type: 'string', format: 'date-time' },
          records: { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } } },
        },
      },
    },
    remove: {
      summary:
        "Erase a customer's personal data (contacts and activities deleted, personal fields emptied or pseudonymised)",
      result: {
        type: 'object',
        properties: {
          customerId: { type: 'integer' },
          erasedAt: { type: 'string', format: 'date-time' },
          fields: { type: 'array', items: { type: 'string' } },
          kept: { type: 'array', items: { type: 'string' } },
          removed: { type: 'object', additionalProperties: { type: 'integer' } },
          cleared: { type: 'object', additionalProperties: { type: 'integer' } },
        },
      },
    },
  },
}
