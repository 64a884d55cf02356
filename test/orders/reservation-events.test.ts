import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, loopFixture, type Api, type LoopFixture } from './fixtures.js'

/**
 * Submitting an order reserves its stock inside COMMIT (a deferred trigger); the changed stock
 * levels and the new reservation rows are still announced, so an open stock screen sees the
 * reservation — and a submit refused for lack of stock announces nothing.
 */
let p: TestPlatform
let f: LoopFixture
let admin: Api
const levels: Array<{ productId: number; reserved: number }> = []
const movements: Array<{ productId: number; orderId: number; kind: string; quantity: number }> = []

beforeAll(async () => {
  p = await startTestPlatform()
  f = await loopFixture(p, 'RSV')
  admin = client(p, f.token)
  p.app.service('api/stock-levels').on('patched', (r: (typeof levels)[number]) => void levels.push(r))
  p.app
    .service('api/stock-movements')
    .on('created', (r: (typeof movements)[number]) => void movements.push(r))
})
afterAll(() => p?.close())

/** Resolves once `check` holds, re-checked at every stock event. */
function until(check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const poll = (): void => {
      if (!check()) return
      p.app.service('api/stock-levels').off('patched', poll)
      p.app.service('api/stock-movements').off('created', poll)
      resolve()
    }
    p.app.service('api/stock-levels').on('patched', poll)
    p.app.service('api/stock-movements').on('created', poll)
    poll()
  })
}

const order = async (lines: Array<{ productId: number; quantity: number }>): Promise<number> => {
  const r = await admin('POST', '/api/orders', {
    customerId: f.customerId,
    warehouseId: f.warehouseId,
    lines,
  })
  expect(r.status).toBe(201)
  return r.body.id as number
}

describe('stock events of the reservation made at submit', () => {
  it('announces the reserved levels and the reservation rows after the commit', async () => {
    const id = await order([
      { productId: f.products.widget, quantity: 3 },
      { productId: f.products.gadget, quantity: 2 },
    ])
    levels.length = 0
    movements.length = 0
    const seen = until(() => levels.length >= 2 && movements.length >= 2)
    expect((await admin('POST', `/api/orders/${id}/submit`, {})).status).toBe(201)
    await seen
    const reserved = Object.fromEntries(levels.map((l) => [l.productId, l.reserved]))
    expect(reserved).toEqual({ [f.products.widget]: 3, [f.products.gadget]: 2 })
    expect(movements.map((m) => [m.productId, m.orderId, m.kind, m.quantity]).sort()).toEqual(
      [
        [f.products.widget, id, 'reservation', 3],
        [f.products.gadget, id, 'reservation', 2],
      ].sort(),
    )
  })

  it('announces nothing for a submit refused for lack of stock', async () => {
    const short = await order([{ productId: f.products.scarce, quantity: 5 }])
    levels.length = 0
    movements.length = 0
    expect((await admin('POST', `/api/orders/${short}/submit`, {})).status).toBe(409)
    // a later reservation is told; the refused one never was
    const id = await order([{ productId: f.products.widget, quantity: 1 }])
    const seen = until(() => levels.some((l) => l.productId === f.products.widget))
    expect((await admin('POST', `/api/orders/${id}/submit`, {})).status).toBe(201)
    await seen
    expect(levels.map((l) => l.productId)).not.toContain(f.products.scarce)
    expect(movements.map((m) => m.orderId)).not.toContain(short)
  })
})
