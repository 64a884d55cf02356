import type { Knex } from 'knex'
import type { InventoryApi } from '../stock.js'
import { hasLines, inTransaction, readBody, readLines, requireStaff, type ServiceParams } from './common.js'
import { stockReceiptsDocs } from './docs.js'

const text = (v: unknown): string | null => (v as string | null | undefined) ?? null

/**
 * `POST /api/stock-receipts`: goods in. One line `{productId, warehouseId, quantity, reference?, note?}`,
 * or a document `{warehouseId, reference?, note?, lines: [{productId, quantity}]}` written in one
 * transaction (a bad line: 400 naming it, nothing written).
 * @example await app.service('api/stock-receipts').create({ warehouseId: 1, reference: 'PO-7', lines: [{ productId: 1, quantity: 100 }] })
 */
export function stockReceiptsService(knex: Knex, inventory: InventoryApi) {
  return {
    docs: stockReceiptsDocs,
    async create(data: unknown, params?: ServiceParams) {
      requireStaff(params, 'stock receipts')
      if (hasLines(data)) {
        const { header, lines } = readLines(
          data,
          { warehouseId: 'id', reference: 'text', note: 'text' },
          ['warehouseId'],
          'quantity',
        )
        const head = {
          warehouseId: header.warehouseId as number,
          reference: text(header.reference),
          note: text(header.note),
        }
        return inTransaction(knex, params, async (trx) => {
          const out = []
          for (const l of lines) out.push({ ...l, level: await inventory.receive(trx, { ...head, ...l }) })
          return { ...head, lines: out }
        })
      }
      const body = readBody(
        data,
        { productId: 'id', warehouseId: 'id', quantity: 'quantity', reference: 'text', note: 'text' },
        ['productId', 'warehouseId', 'quantity'],
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
        level: await inventory.receive(trx, change),
      }))
    },
  }
}
