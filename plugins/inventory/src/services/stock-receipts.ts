import type { Knex } from 'knex'
import type { InventoryApi } from '../stock.js'
import { inTransaction, readBody, requireStaff, type ServiceParams } from './common.js'
import { stockReceiptsDocs } from './docs.js'

/**
 * `POST /api/stock-receipts` `{productId, warehouseId, quantity, reference?, note?}`: goods in.
 * @example await app.service('api/stock-receipts').create({ productId: 1, warehouseId: 1, quantity: 100, reference: 'PO-7' })
 */
export function stockReceiptsService(knex: Knex, inventory: InventoryApi) {
  return {
    docs: stockReceiptsDocs,
    async create(data: unknown, params?: ServiceParams) {
      requireStaff(params, 'stock receipts')
      const body = readBody(data, { productId: 'id', warehouseId: 'id', quantity: 'quantity', reference: 'text', note: 'text' }, ['productId', 'warehouseId', 'quantity'])
      const change = {
        productId: body.productId as number,
        warehouseId: body.warehouseId as number,
        quantity: body.quantity as number,
        reference: (body.reference as string | null | undefined) ?? null,
        note: (body.note as string | null | undefined) ?? null,
      }
      return inTransaction(knex, params, async (trx) => ({ ...change, level: await inventory.receive(trx, change) }))
    },
  }
}
