import type { Knex } from 'knex'
import type { InventoryApi } from '../stock.js'
import {
  hasLines,
  inTransaction,
  nextReference,
  readBody,
  readLines,
  requireStaff,
  type ServiceParams,
} from './common.js'
import { stockTransfersDocs } from './docs.js'

/**
 * `POST /api/stock-transfers`: moves free stock between warehouses in one transaction
 * (transfer_out + transfer_in rows under one `TR-…` reference). One line
 * `{productId, fromWarehouseId, toWarehouseId, quantity, note?}`, or a document
 * `{fromWarehouseId, toWarehouseId, note?, lines: [{productId, quantity}]}` (a bad line: 400
 * naming it; a line short of free stock: 409; nothing written).
 * @example await app.service('api/stock-transfers').create({ productId: 1, fromWarehouseId: 1, toWarehouseId: 2, quantity: 5 })
 */
export function stockTransfersService(knex: Knex, inventory: InventoryApi) {
  const HEADER = { fromWarehouseId: 'id', toWarehouseId: 'id', note: 'text' } as const
  return {
    docs: stockTransfersDocs,
    async create(data: unknown, params?: ServiceParams) {
      requireStaff(params, 'stock transfers')
      const document = hasLines(data)
      const read = document
        ? readLines(data, HEADER, ['fromWarehouseId', 'toWarehouseId'], 'quantity')
        : undefined
      const body =
        read?.header ??
        readBody(data, { ...HEADER, productId: 'id', quantity: 'quantity' }, [
          'productId',
          'fromWarehouseId',
          'toWarehouseId',
          'quantity',
        ])
      const lines = read?.lines ?? [
        { productId: body.productId as number, quantity: body.quantity as number },
      ]
      return inTransaction(knex, params, async (trx) => {
        const reference = await nextReference(trx, 'plume_stock_transfer_seq', 'TR')
        const head = {
          fromWarehouseId: body.fromWarehouseId as number,
          toWarehouseId: body.toWarehouseId as number,
          note: (body.note as string | null | undefined) ?? null,
          reference,
        }
        const out = []
        for (const l of lines)
          out.push({ ...head, ...l, ...(await inventory.transfer(trx, { ...head, ...l })) })
        return document
          ? {
              ...head,
              lines: out.map(({ productId, quantity, from, to }) => ({ productId, quantity, from, to })),
            }
          : out[0]
      })
    },
  }
}
