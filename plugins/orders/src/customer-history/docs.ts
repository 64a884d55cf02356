/** How `api/customer-history` describes itself in `/api/openapi.json`. */
import type { ServiceDocs } from '@plume/core'

export const customerHistoryDocs: ServiceDocs = {
  tag: 'CRM',
  id: { type: 'integer', minimum: 1, description: 'Customer id' },
  operations: {
    get: {
      summary: "A customer's purchase history: orders count, total spent (exact decimal), last order date",
      result: {
        type: 'object',
        properties: {
          customerId: { type: 'integer' },
          orders: { type: 'integer' },
          totalSpent: { type: 'string', description: 'Exact decimal, e.g. "12345.60"' },
          currency: { type: 'string' },
          lastOrderDate: { type: ['string', 'null'] },
          topProducts: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                productId: { type: 'integer' },
                sku: { type: 'string' },
                name: { type: 'string' },
                quantity: { type: 'integer' },
                amount: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
}
