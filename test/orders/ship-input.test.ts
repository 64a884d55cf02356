/**
 * Ship asks for its carrier, tracking number and shipped quantities (#15): the action's input
 * schema, the order and its lines keep them, a short line gives the rest of its reservation back,
 * and `GET /api/orders/:id/actions` offers the credit-hold decisions only on a held order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, stockOf, type Api, type LoopFixture } from './fixtures.js'

let p: TestPlatform
let f: LoopFixture
let api: Api

beforeAll(async () => {
  p = await startTestPlatform()
  f = await loopFixture(p, 'SHP')
  api = client(p, f.token)
}, 120_000)
afterAll(async () => p?.close())

/** An approved order of 4 widgets and 2 gadgets, with its line ids. */
async function approvedOrder(): Promise<{ id: number; widgetLine: number; gadgetLine: number }> {
  const id = await created(api, '/api/orders', { customerId: f.customerId, warehouseId: f.warehouseId })
  const widgetLine = await created(api, '/api/order-lines', {
    orderId: id,
    productId: f.products.widget,
    quantity: 4,
  })
  const gadgetLine = await created(api, '/api/order-lines', {
    orderId: id,
    productId: f.products.gadget,
    quantity: 2,
  })
  for (const a of ['submit', 'approve'])
    expect((await api('POST', `/api/orders/${id}/${a}`, {})).status).toBe(201)
  return { id, widgetLine, gadgetLine }
}

const names = async (id: number) =>
  ((await api('GET', `/api/orders/${id}/actions`)).body.actions as Array<{ name: string }>).map((a) => a.name)

describe('POST /api/orders/:id/ship with carrier, tracking number and quantities', () => {
  it('documents the input: the actions endpoint shows carrier, trackingNumber and lines', async () => {
    const o = await approvedOrder()
    const ship = (
      (await api('GET', `/api/orders/${o.id}/actions`)).body.actions as Array<{
        name: string
        input?: { properties: Record<string, unknown> }
      }>
    ).find((a) => a.name === 'ship')
    expect(Object.keys(ship?.input?.properties ?? {})).toEqual(['carrier', 'trackingNumber', 'lines'])
  })

  it('stores carrier and tracking on the order and the shipped quantity on each line; a short line releases the rest', async () => {
    const o = await approvedOrder()
    const before = await stockOf(p, f.products.widget, f.warehouseId)
    const r = await api('POST', `/api/orders/${o.id}/ship`, {
      carrier: 'SF Express',
      trackingNumber: 'SF123456789',
      lines: [{ id: o.widgetLine, quantity: 3 }],
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ status: 'shipped', carrier: 'SF Express', trackingNumber: 'SF123456789' })
    const lines = (await api('GET', `/api/order-lines?orderId=${o.id}&$sort[id]=1`)).body.data as Array<{
      id: number
      shippedQuantity: number
    }>
    expect(lines.map((l) => [l.id, l.shippedQuantity])).toEqual([
      [o.widgetLine, 3],
      [o.gadgetLine, 2],
    ])
    // 3 left the shelf, the 4th widget's reservation is given back
    expect(await stockOf(p, f.products.widget, f.warehouseId)).toEqual({
      onHand: before.onHand - 3,
      reserved: before.reserved - 4,
    })
  })

  it('ships every line in full without a body, as before', async () => {
    const o = await approvedOrder()
    const r = await api('POST', `/api/orders/${o.id}/ship`, {})
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ carrier: null, trackingNumber: null })
    const lines = (await api('GET', `/api/order-lines?orderId=${o.id}`)).body.data as Array<{
      quantity: number
      shippedQuantity: number
    }>
    expect(lines.every((l) => l.shippedQuantity === l.quantity)).toBe(true)
  })

  it('refuses more than ordered, a line of another order, and unknown fields with 400 naming the field; nothing changes', async () => {
    const o = await approvedOrder()
    const other = await approvedOrder()
    const cases: Array<[unknown, string]> = [
      [{ lines: [{ id: o.widgetLine, quantity: 5 }] }, '/lines/0/quantity'],
      [{ lines: [{ id: other.widgetLine, quantity: 1 }] }, '/lines/0/id'],
      [{ carrier: 'x'.repeat(101) }, '/carrier'],
      [{ tracking: 'A1' }, '/tracking'],
    ]
    for (const [body, path] of cases) {
      const r = await api('POST', `/api/orders/${o.id}/ship`, body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect((r.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path)
    }
    expect((await api('GET', `/api/orders/${o.id}`)).body.status).toBe('approved')
  })
})

describe('credit-hold decisions are offered only on a held order', () => {
  it('an order without a hold offers neither release nor reject; a held one offers both', async () => {
    const o = await approvedOrder()
    expect(await names(o.id)).not.toContain('release-credit-hold')
    expect(await names(o.id)).not.toContain('reject-credit-hold')
    // a limit far below the order's total: submit puts it on hold
    const customerId = await created(api, '/api/customers', {
      code: 'c-shp-held',
      name: 'Held customer',
      partnerId: f.partnerId,
    })
    await created(api, '/api/credit-limits', {
      customerId,
      amount: '1.00',
      validFrom: new Date().toISOString().slice(0, 10),
    })
    const held = await created(api, '/api/orders', { customerId, warehouseId: f.warehouseId })
    await created(api, '/api/order-lines', { orderId: held, productId: f.products.widget, quantity: 2 })
    expect((await api('POST', `/api/orders/${held}/submit`, {})).body.creditHold).toBe(true)
    expect(await names(held)).toEqual(expect.arrayContaining(['release-credit-hold', 'reject-credit-hold']))
  })
})
