import type { Knex } from 'knex'
import type { InventoryApi } from '../stock.js'
import { hasLines, inTransaction, readBody, readLines, requireStaff, type ServiceParams } from './common.js'
import { stockAdjustmentsDocs } from './docs.js'

const text = (v: unknown): string | null => (v as string | null | undefined) ?? null

/**
 * `POST /api/stock-adjustments`: stock count corrections; on hand never goes below what is reserved.
 * One line `{productId, warehouseId, quantity (signed), note, reference?}`, or a document
 * `{warehouseId, note, reference?, lines: [{productId, quantity}]}` written in one transaction
 * (a bad line: 400 naming it; a line that would remove reserved stock: 409; nothing written).
 * @example await app.service('api/stock-adjustments').create({ productId: 1, warehouseId: 1, quantity: -2, note: 'broken' })
 */
export function stockAdjustmentsService(knex: Knex, inventory: InventoryApi) {
  return {
    docs: stockAdjustmentsDocs,
    async create(data: unknown, params?: ServiceParams) {
      requireStaff(params, 'stock adjustments')
      if (hasLines(data)) {
        const { header, lines } = readLines(
          data,
          { warehouseId: 'id', reference: 'text', note: 'text' },
          ['warehouseId', 'note'],
          'signedQuantity',
        )
        const head = {
          warehouseId: header.warehouseId as number,
          reference: text(header.reference),
          note: text(header.note),
        }
        return inTransaction(knex, params, async (trx) => {
          const out = []
          for (const l of lines) out.push({ ...l, level: await inventory.adjust(trx, { ...head, ...l }) })
          return { ...head, lines: out }
        })
      }
      const body = readBody(
        data,
        { productId: 'id', warehouseId: 'id', quantity: 'signedQuantity', reference: 'text', note: 'text' },
        ['productId', 'warehouseId', 'quantity', 'note'],
      )
      const change = {
        productId: body.productId as number,
        warehouseId: body.warehouseId as number,
        quantity: body.quantity as number,
        reference: text(body.reference),
        note: text(body.note),
      }
      return inTransaction(knex, params, async (trx) => ({
        ...change,
        level: await inventory.adjust(trx, change),
      }))
    },
  }
}
