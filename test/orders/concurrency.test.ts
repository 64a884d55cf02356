import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, stockOf, type Api } from './fixtures.js'

const STOCK = 37
const BUYERS = 120

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i]!)
      }
    }),
  )
  return out
}

describe.skipIf(!process.env.DATABASE_URL)('never oversell under contention (PostgreSQL)', () => {
  let p: TestPlatform
  let api: Api
  let productId: number
  let warehouseId: number
  let orderIds: number[]

  beforeAll(async () => {
    p = await startTestPlatform({ demo: false })
    api = client(p, await p.login())
    warehouseId = await created(api, '/api/warehouses', { code: 'WH-HOT', name: 'Hot' })
    const categoryId = await created(api, '/api/product-categories', { code: 'HOT', name: 'Hot' })
    productId = await created(api, '/api/products', {
      sku: 'SKU-HOT',
      name: 'Hot item',
      categoryId,
      listPrice: '19.90',
    })
    const customerId = await created(api, '/api/customers', { code: 'C-HOT', name: 'Crowd' })
    expect(
      (await api('POST', '/api/stock-receipts', { productId, warehouseId, quantity: STOCK })).status,
    ).toBe(201)
    orderIds = await pool(
      Array.from({ length: BUYERS }, (_, i) => i),
      8,
      async () =>
        created(api, '/api/orders', { customerId, warehouseId, lines: [{ productId, quantity: 1 }] }),
    )
  })
  afterAll(async () => p?.close())

  it(`${BUYERS} concurrent submits for ${STOCK} units: exactly ${STOCK} succeed, the rest get a clear 409`, async () => {
    const results = await Promise.all(orderIds.map((id) => api('POST', `/api/orders/${id}/submit`, {})))
    const ok = results.filter((r) => r.status === 200 || r.status === 201)
    const refused = results.filter((r) => r.status === 409)
    expect(ok.length).toBe(STOCK)
    expect(refused.length).toBe(BUYERS - STOCK)
    for (const r of refused)
      expect(r.body.message).toMatch(
        /^Insufficient stock for product SKU-HOT in warehouse WH-HOT: requested 1, available 0$/,
      )

    expect(await stockOf(p, productId, warehouseId)).toEqual({ onHand: STOCK, reserved: STOCK })
    const k = p.db.knex
    const sums = (await k('stock_movements')
      .where({ productId, kind: 'reservation' })
      .sum({ q: 'quantity' })
      .count({ n: '*' })
      .first()) as { q: string; n: string }
    expect(Number(sums.q)).toBe(STOCK)
    expect(Number(sums.n)).toBe(STOCK)
    const statuses = (await k('orders')
      .whereIn('id', orderIds)
      .select('status')
      .count({ n: '*' })
      .groupBy('status')) as Array<{ status: string; n: string }>
    expect(Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]))).toEqual({
      submitted: STOCK,
      draft: BUYERS - STOCK,
    })
    const negative = (await k('stock_levels')
      .where('onHand', '<', 0)
      .orWhere('reserved', '<', 0)
      .orWhereRaw('reserved > "onHand"')
      .count({ n: '*' })
      .first()) as { n: string }
    expect(Number(negative.n)).toBe(0)
  })

  it('concurrent retries with one Idempotency-Key create one order and replay it', async () => {
    const customerId = (await p.db.knex('customers').where({ code: 'C-HOT' }).first('id')).id as number
    const body = { customerId, warehouseId, lines: [{ productId, quantity: 2 }] }
    const results = await Promise.all(
      Array.from({ length: 12 }, () => api('POST', '/api/orders', body, { 'Idempotency-Key': 'burst-1' })),
    )
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(201))
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1)
    const subs = await Promise.all(
      Array.from({ length: 12 }, () =>
        api('POST', `/api/orders/${results[0]!.body.id}/submit`, {}, { 'Idempotency-Key': 'burst-submit' }),
      ),
    )
    // stock is gone (37 reserved above): every retry gets the same 409, nothing is written twice
    expect(new Set(subs.map((r) => r.status))).toEqual(new Set([409]))
    expect(
      await p.db.knex('stock_movements').where({ orderId: results[0]!.body.id }).count({ n: '*' }).first(),
    ).toEqual({ n: '0' })
  })

  it('the database itself refuses an oversell that bypasses the API', async () => {
    await expect(
      p.db
        .knex('stock_levels')
        .where({ productId, warehouseId })
        .update({ reserved: STOCK + 1 }),
    ).rejects.toThrow(/stock_levels_reserved_within_on_hand/)
    await expect(
      p.db.knex('stock_levels').where({ productId, warehouseId }).update({ onHand: -1, reserved: 0 }),
    ).rejects.toThrow(/stock_levels_on_hand_not_negative|check/)
  })
})
