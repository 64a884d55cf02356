/** How `api/campaign-results` describes itself in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'

const MONEY = { type: 'string', description: 'Exact decimal' }
const result = {
  type: 'object',
  properties: {
    campaignId: { type: 'integer' },
    code: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string' },
    currency: { type: ['string', 'null'] },
    orders: { type: 'integer' },
    netSales: MONEY,
    tax: MONEY,
    grossSales: MONEY,
    discount: MONEY,
    budget: { type: ['string', 'null'] },
    budgetRemaining: { type: ['string', 'null'] },
  },
}

export const campaignResultsDocs: ServiceDocs = {
  tag: 'Marketing',
  id: { type: 'integer', minimum: 1, description: 'Campaign id' },
  operations: {
    find: {
      summary: 'Results of every campaign: orders, net sales, tax, gross sales, discount given',
      query: objectSchema({}),
      result: { type: 'array', items: result },
    },
    get: { summary: 'Results of one campaign', result },
  },
}
