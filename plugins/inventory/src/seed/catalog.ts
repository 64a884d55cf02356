import type { Knex } from 'knex'
import { insertRows, seededRandom } from './random.js'

const WAREHOUSES = [
  { code: 'WH-EAST', name: 'Shanghai East DC', city: 'Shanghai', address: '88 Jiangchang Rd' },
  { code: 'WH-NORTH', name: 'Beijing North DC', city: 'Beijing', address: '12 Jingshun Rd' },
  { code: 'WH-SOUTH', name: 'Guangzhou South DC', city: 'Guangzhou', address: '301 Huangpu Ave' },
]

const CATEGORIES: Array<{ code: string; name: string; children: string[] }> = [
  { code: 'BEV', name: 'Beverages', children: ['Tea', 'Coffee', 'Juice', 'Water'] },
  { code: 'SNK', name: 'Snacks', children: ['Biscuits', 'Nuts', 'Candy'] },
  { code: 'HOM', name: 'Home care', children: ['Detergent', 'Paper', 'Cleaning'] },
  { code: 'PER', name: 'Personal care', children: ['Shampoo', 'Soap', 'Dental'] },
]

const ADJECTIVES = [
  'Classic',
  'Premium',
  'Organic',
  'Family',
  'Fresh',
  'Golden',
  'Light',
  'Mini',
  'Mega',
  'Select',
]
const UNITS = ['pcs', 'box', 'set', 'pcs', 'box'] as const

/** Money as a 2-decimal string from integer cents: no float ever touches an amount. */
const money = (cents: number) => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`

export interface CatalogSeed {
  warehouseIds: number[]
  products: Array<{ id: number; listPriceCents: number }>
}

/**
 * Demo catalog and stock: 3 warehouses, 16 categories, 200 products, opening stock receipts.
 * Deterministic (seeded PRNG); one transaction; multi-row inserts.
 */
export async function seedCatalog(trx: Knex.Transaction, productCount = 200): Promise<CatalogSeed> {
  const r = seededRandom(20260101)
  const warehouses = await insertRows<{ id: number }>(trx, 'warehouses', WAREHOUSES)
  const warehouseIds = warehouses.map((w) => w.id)
  const leafIds: Array<{ id: number; name: string }> = []
  for (const c of CATEGORIES) {
    const [parent] = await insertRows<{ id: number }>(trx, 'product_categories', [
      { code: c.code, name: c.name },
    ])
    const children = await insertRows<{ id: number }>(
      trx,
      'product_categories',
      c.children.map((name, i) => ({ code: `${c.code}-${i + 1}`, name, parentId: parent!.id })),
    )
    children.forEach((ch, i) => leafIds.push({ id: ch.id, name: c.children[i]! }))
  }
  const cents: number[] = []
  const productRows = Array.from({ length: productCount }, (_, i) => {
    const cat = leafIds[i % leafIds.length]!
    const listPriceCents = r.int(5, 400) * 100 + r.pick([0, 50, 90, 99])
    cents.push(listPriceCents)
    return {
      sku: `SKU-${String(i + 1).padStart(4, '0')}`,
      name: `${r.pick(ADJECTIVES)} ${cat.name} ${i + 1}`,
      categoryId: cat.id,
      unit: r.pick(UNITS),
      listPrice: money(listPriceCents),
      cost: money(Math.round(listPriceCents * 0.6)),
      taxRate: r.pick([13, 13, 13, 9, 6]),
      active: true,
    }
  })
  const products = await insertRows<{ id: number }>(trx, 'products', productRows)
  const levels: Array<Record<string, unknown>> = []
  const receipts: Array<Record<string, unknown>> = []
  const opened = new Date(Date.now() - 400 * 86_400_000).toISOString()
  for (const p of products) {
    for (const w of warehouseIds) {
      const onHand = r.int(200, 1500)
      levels.push({
        productId: p.id,
        warehouseId: w,
        onHand,
        reserved: 0,
        reorderPoint: r.int(20, 100),
        reorderQuantity: r.int(100, 500),
      })
      receipts.push({
        productId: p.id,
        warehouseId: w,
        quantity: onHand,
        kind: 'receipt',
        reference: 'OPENING',
        occurredAt: opened,
        note: 'Opening stock',
      })
    }
  }
  await insertRows(trx, 'stock_levels', levels)
  await insertRows(trx, 'stock_movements', receipts)
  return {
    warehouseIds,
    products: products.map((p, i) => ({ id: p.id, listPriceCents: cents[i]! })),
  }
}
