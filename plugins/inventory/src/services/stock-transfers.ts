import type { Knex } from 'knex'
import type { InventoryApi } from '../stock.js'
import { inTransaction, nextReference, readBody, requireStaff, type ServiceParams } from './common.js'
import { stockTransfersDocs } from './docs.js'

/**
 * `POST /api/stock-transfers` `{productId, fromWarehouseId, toWarehouseId, quantity, note?}`:
 * moves free stock between warehouses in one transaction (transfer_out + transfer_in rows).
 * @example await app.service('api/stock-transfers').create({ productId: 1, fromWarehouseId: 1, toWarehouseId: 2, quantity: 5 })
 */
export function stockTransfersService(knex: Knex, inventory: InventoryApi) {
  return {
    docs: stockTransfersDocs,
    async create(data: unknown, params?: ServiceParams) {
      requireStaff(params, 'stock transfers')
      const body = readBody(data, { productId: 'id', fromWarehouseId: 'id', toWarehouseId: 'id', quantity: 'quantity', note: 'text' }, ['productId', 'fromWarehouseId', 'toWarehouseId', 'quantity'])
      return inTransaction(knex, params, async (trx) => {
        const reference = await nextReference(trx, 'plume_stock_transfer_seq', 'TR')
        const t = {
          productId: body.productId as number,
          fromWarehouseId: body.fromWarehouseId as number,
          toWarehouseId: body.toWarehouseId as number,
          quantity: body.quantity as number,
          note: (body.note as string | null | undefined) ?? null,
          reference,
        }
        const { from, to } = await inventory.transfer(trx, t)
        return { ...t, from, to }
      })
    },
  }
}
