import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ordersApi } from '@plume/plugin-orders'
import { client, loopFixture, stockOf, type LoopFixture } from './fixtures.js'

/**
 * A database connection lost in the middle of a submit (PostgreSQL: the backend is terminated):
 * the client gets 503 "retry" — not a 500, nothing half-written — and the next request works.
 */
let p: TestPlatform | undefined
let f: LoopFixture

beforeAll(async () => {
  if (!process.env.DATABASE_URL) return
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'DOWN')
})
afterAll(async () => p?.close())

describe('a lost database connection', () => {
  it('answers 503, leaves the order and the stock as they were, and the retry succeeds', async ({ skip }) => {
    if (!p) return skip()
    const api = client(p, f.token)
    const order = await api('POST', '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.widget, quantity: 4 }],
    })
    expect(order.status).toBe(201)
    const before = await stockOf(p, f.products.widget, f.warehouseId)
    const stop = ordersApi(p.app).addTransitionHook({
      actions: ['submit'],
      // the submit's own connection goes away under it
      async after(ctx) {
        await ctx.trx.raw('select pg_terminate_backend(pg_backend_pid())')
      },
    })
    const lost = await api('POST', `/api/orders/${order.body.id}/submit`, {})
    stop()
    expect(lost.status).toBe(503)
    expect(lost.body.message).toBe('The database is not available right now; please retry')
    expect(JSON.stringify(lost.body)).not.toMatch(/terminat|pg_|select/i)
    expect((await api('GET', `/api/orders/${order.body.id}`)).body.status).toBe('draft')
    expect(await stockOf(p, f.products.widget, f.warehouseId)).toEqual(before)
    const retry = await api('POST', `/api/orders/${order.body.id}/submit`, {})
    expect(retry.status).toBe(201)
    expect(retry.body.status).toBe('submitted')
  })
})
