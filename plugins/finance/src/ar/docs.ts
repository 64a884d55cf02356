/** How the finance services describe themselves in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'

const DATE = { type: 'string', format: 'date' }
const ID = { type: 'integer', minimum: 1 }
const CURRENCY = { type: 'string', pattern: '^[A-Z]{3}$' }

export const arDocs: ServiceDocs = {
  tag: 'Finance',
  operations: {
    find: {
      summary: 'Receivables aging as of a date, by customer and partner (a partner user sees their own)',
      query: objectSchema({
        asOf: { ...DATE, description: 'Default: today (UTC)' },
        customerId: ID,
        partnerId: ID,
        currency: CURRENCY,
      }),
      result: {
        type: 'object',
        description: 'Open amount = total − paid − credited, in buckets by days overdue',
      },
    },
  },
}

export const arStatementsDocs: ServiceDocs = {
  tag: 'Finance',
  id: { ...ID, description: 'Customer id' },
  operations: {
    get: {
      summary:
        "One customer's statement: opening balance, invoices, payments and credit notes, closing balance",
      query: objectSchema({ from: DATE, to: DATE, currency: CURRENCY }),
      result: { type: 'object' },
    },
  },
}

export const invoicesFromOrdersDocs: ServiceDocs = {
  tag: 'Finance',
  operations: {
    create: {
      summary: 'Invoice delivered orders of one customer: a draft invoice with their lines (prices locked)',
      body: objectSchema(
        {
          orderIds: {
            type: 'array',
            minItems: 1,
            maxItems: 200,
            uniqueItems: true,
            items: { type: 'integer', minimum: 1, maximum: 2147483647 },
          },
        },
        ['orderIds'],
      ),
      result: { type: 'object', description: 'The draft invoice with `lines`' },
      errors: { 409: 'An order is not delivered, already invoiced, or belongs to another customer' },
    },
  },
}
