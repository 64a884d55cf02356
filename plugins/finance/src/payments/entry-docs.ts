/** How `POST /api/payment-entries` describes itself in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'

const ID = { type: 'integer', minimum: 1, maximum: 2147483647 }
const AMOUNT = {
  type: 'string',
  pattern: '^\\d{1,12}(\\.\\d{1,2})?$',
  description: 'Exact decimal, e.g. "120.50"',
}

export const paymentEntriesDocs: ServiceDocs = {
  tag: 'Finance',
  operations: {
    create: {
      summary:
        'Record a payment and allocate it to open invoices in one transaction (nothing is written if any allocation is refused)',
      body: objectSchema(
        {
          customerId: ID,
          amount: { ...AMOUNT, description: 'The amount received' },
          currency: {
            type: 'string',
            pattern: '^[A-Z]{3}$',
            description: "Default: the customer's currency",
          },
          method: { type: 'string', enum: ['bank_transfer', 'cash', 'card', 'check', 'other'] },
          reference: { type: ['string', 'null'], maxLength: 100 },
          receivedAt: { type: 'string', format: 'date-time' },
          partnerId: { ...ID, description: "Default: the customer's partner" },
          allocations: {
            type: 'array',
            maxItems: 200,
            description:
              'Amounts per invoice; empty or absent leaves the whole payment unallocated (the customer’s credit)',
            items: objectSchema({ invoiceId: ID, amount: AMOUNT }, ['invoiceId', 'amount']),
          },
          auto: { const: true, description: 'Instead of `allocations`: the oldest open invoices first' },
        },
        ['customerId', 'amount', 'method', 'receivedAt'],
      ),
      result: {
        type: 'object',
        description: '`{payment, allocations: [{invoiceId, number, amount, open, status}]}`',
      },
      errors: {
        400: 'A field is invalid; allocations add up to more than the amount (`/allocations`); an allocation is over its invoice’s open amount, the invoice is not open or unknown (`/allocations/<i>/…`, naming the line)',
        409: 'An invoice belongs to another customer or currency',
      },
    },
  },
}
