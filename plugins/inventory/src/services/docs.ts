/** How the stock services describe themselves in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'

const ID = { type: 'integer', minimum: 1 }
const QUANTITY = { type: 'integer', minimum: 1 }
const TEXT = { type: ['string', 'null'], maxLength: 500 }

const post = (summary: string, body: Record<string, unknown>): ServiceDocs => ({
  tag: 'Inventory',
  operations: {
    create: {
      summary,
      body,
      result: {
        type: 'object',
        description: 'The stock movement(s) written and the stock levels after them',
      },
      errors: { 400: 'Invalid field or line, named by its path', 409: 'Not enough stock' },
    },
  },
})

/** A body: one line, or a document of header fields plus `lines` written in one transaction. */
const oneOrLines = (
  one: Record<string, unknown>,
  header: Record<string, unknown>,
  headerRequired: string[],
  quantity: Record<string, unknown>,
) => ({
  oneOf: [
    { ...one, title: 'One line' },
    {
      ...objectSchema(
        {
          ...header,
          lines: {
            type: 'array',
            minItems: 1,
            maxItems: 500,
            description:
              'Written in one transaction: a bad line answers 400 naming it (/lines/3/quantity), a line short of stock 409; nothing is written then',
            items: objectSchema({ productId: ID, quantity }, ['productId', 'quantity']),
          },
        },
        [...headerRequired, 'lines'],
      ),
      title: 'A document of lines',
    },
  ],
})

const SIGNED = { type: 'integer', description: 'Signed: negative removes stock' }
const NOTE = { type: 'string', minLength: 1, maxLength: 500 }

export const stockTransfersDocs = post(
  'Move stock between two warehouses (one line, or a document of lines in one transaction)',
  oneOrLines(
    objectSchema({ productId: ID, fromWarehouseId: ID, toWarehouseId: ID, quantity: QUANTITY, note: TEXT }, [
      'productId',
      'fromWarehouseId',
      'toWarehouseId',
      'quantity',
    ]),
    { fromWarehouseId: ID, toWarehouseId: ID, note: TEXT },
    ['fromWarehouseId', 'toWarehouseId'],
    QUANTITY,
  ),
)
export const stockReceiptsDocs = post(
  'Receive goods into a warehouse (one line, or a document of lines in one transaction)',
  oneOrLines(
    objectSchema({ productId: ID, warehouseId: ID, quantity: QUANTITY, reference: TEXT, note: TEXT }, [
      'productId',
      'warehouseId',
      'quantity',
    ]),
    { warehouseId: ID, reference: TEXT, note: TEXT },
    ['warehouseId'],
    QUANTITY,
  ),
)
export const stockAdjustmentsDocs = post(
  'Correct the stock of a warehouse, signed quantities with a note (one line, or a document of lines in one transaction)',
  oneOrLines(
    objectSchema({ productId: ID, warehouseId: ID, quantity: SIGNED, note: NOTE, reference: TEXT }, [
      'productId',
      'warehouseId',
      'quantity',
      'note',
    ]),
    { warehouseId: ID, note: NOTE, reference: TEXT },
    ['warehouseId', 'note'],
    SIGNED,
  ),
)
