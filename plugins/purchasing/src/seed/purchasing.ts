import type { Knex } from 'knex'
import { dec, insertRows, money, seededRandom } from '@plume/core'
import { nextPoNumber } from '../number.js'

const SUPPLIERS = [
  {
    code: 'SUP-HZ',
    name: 'Hangzhou Housewares Co.',
    leadTimeDays: 7,
    leadTimeSdDays: 1,
    paymentTermsDays: 30,
  },
  {
    code: 'SUP-SZ',
    name: 'Shenzhen Electronics Trading',
    leadTimeDays: 14,
    leadTimeSdDays: 3,
    paymentTermsDays: 45,
  },
  {
    code: 'SUP-NB',
    name: 'Ningbo Import & Export',
    leadTimeDays: 35,
    leadTimeSdDays: 7,
    paymentTermsDays: 60,
  },
]

/**
 * Demo purchasing: three suppliers with different lead times, a price list of supplier items for
 * every product (a preferred supplier each, a second source for some), and open purchase orders
 * in draft and sent states. Receipts are left to the demo's users (they move stock and cost).
 */
export async function seedPurchasing(
  trx: Knex.Transaction,
): Promise<{ suppliers: number; items: number; orders: number }> {
  const r = seededRandom(20261207)
  const suppliers = await insertRows<{ id: number; code: string }>(
    trx,
    'suppliers',
    SUPPLIERS.map((s) => ({ ...s, currency: 'CNY', active: true })),
    ['id', 'code'],
  )
  const products = (await trx('products').select('id', 'cost').orderBy('id')) as Array<{
    id: number
    cost: string | null
  }>
  const items = products.flatMap((p, i) => {
    const main = suppliers[i % suppliers.length]!
    const price = (factor: number) =>
      dec(p.cost ?? '10')
        .times(factor)
        .toDecimalPlaces(4)
        .toFixed(4)
    const pack = r.pick([1, 6, 12, 24])
    const rows = [
      {
        supplierId: main.id,
        productId: p.id,
        supplierSku: `${main.code.slice(4)}-${String(p.id).padStart(5, '0')}`,
        price: price(0.95 + r.next() * 0.1),
        moq: pack * r.int(1, 4),
        packSize: pack,
        preferred: true,
      },
    ]
    if (r.chance(0.3)) {
      const other = suppliers[(i + 1) % suppliers.length]!
      rows.push({
        supplierId: other.id,
        productId: p.id,
        supplierSku: `${other.code.slice(4)}-${String(p.id).padStart(5, '0')}`,
        price: price(1.02 + r.next() * 0.1),
        moq: 0,
        packSize: 1,
        preferred: false,
      })
    }
    return rows
  })
  await insertRows(trx, 'supplier_items', items)
  const warehouses = (await trx('warehouses').select('id').orderBy('id')) as Array<{ id: number }>
  let orders = 0
  for (const [k, status] of (['sent', 'sent', 'sent', 'draft', 'draft'] as const).entries()) {
    const supplier = suppliers[k % suppliers.length]!
    const warehouse = warehouses[k % Math.max(1, warehouses.length)]
    if (!warehouse) break
    const mine = items.filter((it) => it.supplierId === supplier.id && it.preferred).slice(k * 6, k * 6 + 6)
    const lines = mine.map((it) => {
      const quantity = Math.max(it.moq, it.packSize * r.int(2, 10))
      return {
        productId: it.productId,
        quantity,
        receivedQuantity: 0,
        unitCost: it.price,
        lineTotal: money(dec(it.price).times(quantity)),
      }
    })
    const subtotal = money(lines.reduce((s, l) => s.plus(l.lineTotal), dec(0)))
    const now = new Date()
    const [po] = await insertRows<{ id: number }>(trx, 'purchase_orders', [
      {
        number: await nextPoNumber(trx, now),
        supplierId: supplier.id,
        warehouseId: warehouse.id,
        status,
        currency: 'CNY',
        orderDate: now.toISOString(),
        expectedDate: new Date(now.getTime() + SUPPLIERS[k % 3]!.leadTimeDays * 86_400_000)
          .toISOString()
          .slice(0, 10),
        subtotal,
        landedCost: '0.00',
        total: subtotal,
        sentAt: status === 'sent' ? now.toISOString() : null,
      },
    ])
    await insertRows(
      trx,
      'purchase_order_lines',
      lines.map((l) => ({ ...l, purchaseOrderId: po!.id })),
    )
    orders++
  }
  return { suppliers: suppliers.length, items: items.length, orders }
}
