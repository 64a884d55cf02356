/** How `POST /api/order-quotes` describes itself in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'
import { MAX_INLINE_LINES } from '../hooks/lift-inline-lines.js'

const money = { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', description: 'Exact decimal string' }
const adjustment = {
  type: 'object',
  properties: {
    step: { type: 'string' },
    kind: { type: 'string' },
    amount: money,
    description: { type: 'string' },
  },
}
const line = {
  type: 'object',
  properties: {
    productId: { type: 'integer' },
    sku: { type: 'string' },
    quantity: { type: 'integer' },
    listPrice: money,
    unitPrice: money,
    discount: money,
    taxRate: { type: 'string' },
    taxAmount: money,
    lineTotal: money,
    available: { type: 'integer', description: 'On hand minus reserved in the warehouse' },
    promotionId: { type: ['integer', 'null'] },
    adjustments: { type: 'array', items: adjustment },
  },
}

/** `lines` on `POST /api/orders` and `PATCH /api/orders/:id` (written in the order's transaction). */
const inlineLines = (what: string) => ({
  type: 'array',
  maxItems: MAX_INLINE_LINES,
  description: what,
  items: objectSchema(
    {
      productId: { type: 'integer' },
      quantity: { type: 'integer', minimum: 1 },
      promotionId: { type: ['integer', 'null'] },
    },
    ['productId', 'quantity'],
  ),
})

export const orderQuoteDocs: ServiceDocs = {
  tag: 'Orders',
  // the orders plugin's hooks accept the lines with the order, in one request and one transaction
  extends: {
    OrderData: {
      lines: inlineLines(
        "The order's lines, inserted and priced in the create's transaction (errors at /lines/<i>/<field>); the answer carries the priced `lines`",
      ),
    },
    OrderPatch: {
      lines: inlineLines(
        "Replaces every line of a draft order, in the patch's transaction (409 once submitted); the answer carries the priced `lines`",
      ),
    },
  },
  description:
    "Prices a would-be order with the same pricing pipeline as submit and the caller's permissions; nothing is written.",
  operations: {
    create: {
      summary: 'Quote prices for order lines (nothing written)',
      body: objectSchema(
        {
          customerId: {
            type: 'integer',
            description: "Optional for a partner user (or with partnerId): then the partner's prices",
          },
          partnerId: { type: ['integer', 'null'] },
          warehouseId: {
            type: 'integer',
            description: 'Where available stock is read (default: the first warehouse)',
          },
          lines: {
            type: 'array',
            maxItems: MAX_INLINE_LINES,
            items: objectSchema(
              {
                productId: { type: 'integer' },
                sku: { type: 'string' },
                quantity: { type: 'integer', minimum: 1 },
                discount: money,
              },
              ['quantity'],
            ),
          },
        },
        ['lines'],
      ),
      result: {
        type: 'object',
        properties: {
          customerId: { type: ['integer', 'null'] },
          partnerId: { type: ['integer', 'null'] },
          warehouseId: { type: 'integer' },
          priceListId: { type: ['integer', 'null'] },
          currency: { type: 'string' },
          lines: { type: 'array', items: line },
          adjustments: { type: 'array', items: adjustment },
          subtotal: money,
          discountTotal: money,
          taxTotal: money,
          total: money,
        },
      },
      errors: { 403: 'The customer belongs to another partner' },
    },
  },
}
