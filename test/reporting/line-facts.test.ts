import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { financeFixture, post, type FinanceFixture } from '../finance/fixtures.js'

let p: TestPlatform
let f: FinanceFixture

beforeAll(async () => {
  p = await startTestPlatform()
  f = await financeFixture(p, 'LF')
})
afterAll(() => p?.close())

type Row = Record<string, unknown>

/** The facts of an order and of each of its lines, as stored. */
async function facts(orderId: number): Promise<{ order: Row; lines: Row[] }> {
  const pick = '"orderDate", status, "partnerId", "customerId"'
  const order = (
    (await p.db.knex.raw(`select ${pick} from orders where id = ?`, [orderId])) as { rows: Row[] }
  ).rows[0]!
  const lines = (
    (await p.db.knex.raw(`select ${pick} from order_lines where "orderId" = ? order by id`, [orderId])) as {
      rows: Row[]
    }
  ).rows
  return { order, lines }
}

async function expectInSync(orderId: number, lineCount: number): Promise<Row> {
  const { order, lines } = await facts(orderId)
  expect(lines).toHaveLength(lineCount)
  for (const l of lines) expect(l).toEqual(order)
  return order
}

describe('order lines carry their order’s date, status, partner and customer', () => {
  it('from creation through header changes and every transition, in the same transaction', async () => {
    const made = await post(p, f.token, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      orderDate: '2026-02-03T10:00:00.000Z',
      lines: [{ productId: f.products.widget, quantity: 2 }],
    })
    const id = made.id as number
    expect(await expectInSync(id, 1)).toMatchObject({
      status: 'draft',
      partnerId: f.partnerId,
      customerId: f.customerId,
    })
    await post(p, f.token, '/api/order-lines', { orderId: id, productId: f.products.gadget, quantity: 1 })
    await expectInSync(id, 2)

    // a client's header patch, then an internal one (no permission or pricing hooks involved)
    const patched = await p.http(
      'PATCH',
      `/api/orders/${id}`,
      { orderDate: '2026-02-05T09:30:00.000Z', customerId: f.otherCustomerId, partnerId: null },
      f.token,
    )
    expect(patched.status, JSON.stringify(patched.body)).toBe(200)
    expect(await expectInSync(id, 2)).toMatchObject({ partnerId: null, customerId: f.otherCustomerId })
    await p.app.service('api/orders').patch(id, { orderDate: '2026-02-06T00:00:00.000Z' })
    expect(((await expectInSync(id, 2)).orderDate as Date).toISOString()).toBe('2026-02-06T00:00:00.000Z')

    for (const action of ['submit', 'approve', 'cancel']) {
      const r = await p.http('POST', `/api/orders/${id}/${action}`, {}, f.token)
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      expect((await expectInSync(id, 2)).status).toBe(r.body.status)
    }
    expect((await facts(id)).order.status).toBe('cancelled')
  })

  it('a refused transition changes neither the order nor its lines', async () => {
    const made = await post(p, f.token, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    const id = made.id as number
    expect((await p.http('POST', `/api/orders/${id}/ship`, {}, f.token)).status).toBe(409)
    expect((await expectInSync(id, 1)).status).toBe('draft')
  })
})
