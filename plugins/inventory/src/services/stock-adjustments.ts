import type { Knex } from 'knex'
import type { InventoryApi } from '../stock.js'
import { inTransaction, readBody, requireStaff, type ServiceParams } from './common.js'
import { stockAdjustmentsDocs } from './docs.js'

/**
 * `POST /api/stock-adjustments` `{productId, warehouseId, quantity (signed), note, reference?}`:
 * a stock count correction; on hand never goes below what is reserved.
 * @example await app.service('api/stock-adjustments').create({ productId: 1, warehouseId: 1, quantity: -2, note: 'broken' })
 */
export function stockAdjustmentsService(knex: Knex, inventory: InventoryApi) {
  return {
    docs: stockAdjustmentsDocs,
    async create(data: unknown, params?: ServiceParams) {
      requireStaff(params, 'stock adjustments')
      const body = readBody(data, { productId: 'id', warehouseId: 'id', quantity: 'signedQuantity', reference: 'text', note: 'text' }, ['productId', 'warehouseId', 'quantity', 'note'])
      const change = {
        productId: body.productId as number,
        warehouseId: body.warehouseId as number,
        quantity: body.quantity as number,
        reference: (body.reference as string | null | undefined) ?? null,
        note: (body.note as string | null | undefined) ?? null,
      }
      return inTransaction(knex, params, async (trx) => ({ ...change, level: await inventory.adjust(trx, change) }))
    },
  }
}
