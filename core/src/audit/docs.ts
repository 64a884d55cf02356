/** How `api/audit` and `api/audit/verify` describe themselves in `/api/openapi.json`. */
import { PAGING, objectSchema, pageOf } from '../app/openapi/shared.js'
import type { ServiceDocs } from '../app/openapi/types.js'

const record = { $ref: '#/components/schemas/AuditRecord' }
const range = (what: string) => ({
  type: 'object',
  description: `${what} range: $gt $gte $lt $lte`,
  additionalProperties: { type: 'string' },
})

export const auditDocs: ServiceDocs = {
  tag: 'Audit',
  description:
    'The audit trail, newest first (admins and auditors only). Every change, action and administrative change is recorded in its transaction, hash-chained.',
  id: { type: 'integer', minimum: 1 },
  schemas: {
    AuditRecord: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        at: { type: 'string', format: 'date-time' },
        actorId: { type: ['string', 'null'] },
        actor: { type: ['string', 'null'] },
        via: { type: 'string' },
        action: { type: 'string' },
        entity: { type: ['string', 'null'] },
        recordId: { type: ['string', 'null'] },
        changes: {},
        requestId: { type: ['string', 'null'] },
        ip: { type: ['string', 'null'] },
        prevHash: { type: 'string' },
        hash: { type: 'string' },
      },
    },
  },
  operations: {
    find: {
      summary: 'Search the audit trail',
      query: objectSchema({
        ...PAGING,
        $sort: { type: 'object', description: 'id or at: 1 or -1' },
        entity: { type: 'string' },
        recordId: { type: 'string' },
        action: { type: 'string' },
        actorId: { type: 'string' },
        via: { type: 'string' },
        requestId: { type: 'string' },
        at: range('Time'),
        id: range('Id'),
      }),
      result: pageOf(record),
    },
    get: { summary: 'Get an audit record', result: record },
  },
}

export const auditVerifyDocs: ServiceDocs = {
  tag: 'Audit',
  operations: {
    find: {
      summary: 'Verify the hash chain of the audit trail',
      query: objectSchema({}),
      result: {
        type: 'object',
        properties: {
          ok: { type: 'boolean' },
          checked: { type: 'integer' },
          firstBad: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              reason: { enum: ['altered', 'inserted', 'deleted'] },
              message: { type: 'string' },
            },
          },
        },
      },
    },
  },
}
