/** How the stock services describe themselves in `/api/openapi.json`. */
import { objectSchema, type ServiceDocs } from '@plume/core'

const ID = { type: 'integer', minimum: 1 }
const QUANTITY = { type: 'integer', minimum: 1 }
const TEXT = { type: ['string', 'null'], maxLength: 500 }

const post = (summary: string, body: Record<string, unknown>): ServiceDocs => ({
  tag: 'Inventory',
  operations: { create: { summary, body, result: { type: 'object', description: 'The stock movement(s) written and the stock levels after them' }, errors: { 409: 'Not enough stock' } } },
})

export const stockTransfersDocs = post('Move stock between two warehouses', objectSchema({ productId: ID, fromWarehouseId: ID, toWarehouseId: ID, quantity: QUANTITY, note: TEXT }, ['productId', 'fromWarehouseId', 'toWarehouseId', 'quantity']))
export const stockReceiptsDocs = post('Receive goods into a warehouse', objectSchema({ productId: ID, warehouseId: ID, quantity: QUANTITY, reference: TEXT, note: TEXT }, ['productId', 'warehouseId', 'quantity']))
export const stockAdjustmentsDocs = post('Correct the stock of a warehouse (signed quantity, with a note)', objectSchema({ productId: ID, warehouseId: ID, quantity: { type: 'integer', description: 'Signed: negative removes stock' }, note: { type: 'string', minLength: 1, maxLength: 500 }, reference: TEXT }, ['productId', 'warehouseId', 'quantity', 'note']))
