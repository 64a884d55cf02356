/** How `api/credit-exposure` describes itself in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'

const MONEY = { type: 'string', description: 'Exact decimal' }
const ID = { type: 'integer', minimum: 1 }

export const creditExposureDocs: ServiceDocs = {
  tag: 'Risk',
  operations: {
    find: {
      summary:
        'Credit status of a customer or a partner: the limit in force, the exposure, what is available, overdue invoices, the risk score',
      description:
        'Give exactly one of customerId or partnerId. Exposure = open orders + unpaid invoices − unallocated payments − unapplied credit notes.',
      query: objectSchema({ customerId: ID, partnerId: ID }),
      result: {
        type: 'object',
        properties: {
          customerId: { type: ['integer', 'null'] },
          partnerId: { type: ['integer', 'null'] },
          limit: { type: ['string', 'null'] },
          exposure: {
            type: 'object',
            properties: {
              openOrders: MONEY,
              unpaidInvoices: MONEY,
              unallocatedPayments: MONEY,
              unappliedCredits: MONEY,
              total: MONEY,
            },
          },
          available: {
            type: ['string', 'null'],
            description: 'limit − exposure (negative when over); null without a limit',
          },
          overdue: { type: 'array', items: { type: 'object' } },
          risk: { type: 'object' },
        },
      },
    },
  },
}
