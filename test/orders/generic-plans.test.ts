import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, testDatabase, type TestPlatform } from '@plume/core/testing'

/**
 * The submit's statements are prepared once per connection, and PostgreSQL should then keep one
 * generic plan for each instead of planning it on every call (which cost a submit 0.2 ms of the
 * server's CPU). A statement whose cost estimate depends on a parameter's value (an unnest() of
 * array parameters joined to a table, a sub-select per unnested row) stays on custom plans
 * forever. One connection, so every submit meets the same prepared statements (PostgreSQL only).
 */
let p: TestPlatform | undefined
let drop: (() => Promise<void>) | undefined

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return
  const t = await testDatabase()
  drop = t.drop
  p = await startTestPlatform({ demo: false, database: { ...t.options, pool: { max: 1 } } })
})
afterAll(async () => {
  await p?.close()
  await drop?.()
})

describe('generic plans on the submit path (PostgreSQL)', () => {
  it('keeps one plan for the line prices and the staged reservation', async ({ skip }) => {
    if (!p) return skip()
    const k = p.db.knex
    const [wh] = (await k('warehouses').insert({ code: 'WH-GP', name: 'GP' }).returning('id')) as Array<{
      id: number
    }>
    const [cat] = (await k('product_categories')
      .insert({ code: 'CAT-GP', name: 'GP' })
      .returning('id')) as Array<{ id: number }>
    const [c] = (await k('customers').insert({ code: 'C-GP', name: 'GP' }).returning('id')) as Array<{
      id: number
    }>
    const products = (await k('products')
      .insert([1, 2].map((i) => ({ sku: `SKU-GP-${i}`, name: 'GP', categoryId: cat!.id, listPrice: '2.50' })))
      .returning('id')) as Array<{ id: number }>
    await k('stock_levels').insert(
      products.map((pr) => ({ productId: pr.id, warehouseId: wh!.id, onHand: 100 })),
    )
    for (let n = 0; n < 9; n++) {
      const [o] = (await k('orders')
        .insert({ number: `GP-${n}`, customerId: c!.id, warehouseId: wh!.id, status: 'draft' })
        .returning('id')) as Array<{ id: number }>
      // one line, or two lines of one product and one of another: the statements' texts stay the same
      const lines = n % 2 ? [products[0]!, products[0]!, products[1]!] : [products[0]!]
      await k('order_lines').insert(lines.map((pr) => ({ orderId: o!.id, productId: pr.id, quantity: 1 })))
      await p.app.service('api/orders/:id/submit').create({}, { route: { id: String(o!.id) } })
    }
    const plans = (
      await k.raw(
        `select name, generic_plans::int as generic from pg_prepared_statements where name like 'plume_orders_price_lines%' or name like 'plume_inventory_reserve_at_commit%' order by name`,
      )
    ).rows as Array<{ name: string; generic: number }>
    expect(plans.map((r) => r.name.replace(/_[a-z0-9]+$/, ''))).toEqual([
      'plume_inventory_reserve_at_commit',
      'plume_orders_price_lines',
    ])
    // PostgreSQL tries five custom plans first, then keeps the generic one when it costs no more
    for (const r of plans) expect(r.generic, r.name).toBeGreaterThanOrEqual(3)
    // and the prices and reservations are right
    const reserved = (await k('stock_levels')
      .whereIn(
        'productId',
        products.map((x) => x.id),
      )
      .orderBy('productId')
      .select('reserved')) as Array<{ reserved: number }>
    expect(reserved.map((r) => r.reserved)).toEqual([5 + 4 * 2, 4])
    const totals = (await k('orders')
      .where('number', 'like', 'GP-%')
      .orderBy('id')
      .select('subtotal')) as Array<{ subtotal: string }>
    expect(totals.map((t) => t.subtotal)).toEqual(
      Array.from({ length: 9 }, (_, n) => (n % 2 ? '7.50' : '2.50')),
    )
  })
})
