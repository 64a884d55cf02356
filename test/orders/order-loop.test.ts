import { Conflict } from '@feathersjs/errors'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { ordersApi } from '@plume/plugin-orders'
import { client, loopFixture, movementsOf, stockOf, type Api, type LoopFixture } from './fixtures.js'

let p: TestPlatform
let f: LoopFixture
let admin: Api
let partner: Api

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'LOOP')
  admin = client(p, f.token)
  partner = client(p, await p.login(f.partnerEmail, f.partnerPassword))
})
afterAll(async () => p?.close())

// partner users may name their own partner or leave it out (then it is filled in); another one is refused
const newOrder = (
  lines: Array<{ productId: number; quantity: number }>,
  extra: Record<string, unknown> = {},
) => ({ customerId: f.customerId, partnerId: f.partnerId, warehouseId: f.warehouseId, lines, ...extra })

describe('the order-to-stock loop over HTTP', () => {
  let orderId: number

  it("prices a partner user's order from the partner's price list, exactly", async () => {
    const r = await partner(
      'POST',
      '/api/orders',
      newOrder([
        { productId: f.products.widget, quantity: 12 },
        { productId: f.products.gadget, quantity: 2 },
      ]),
      { 'Idempotency-Key': 'create-1' },
    )
    expect(r.status).toBe(201)
    orderId = r.body.id
    expect(r.body).toMatchObject({
      status: 'draft',
      partnerId: f.partnerId,
      priceListId: f.priceListId,
      subtotal: '273.14',
      discountTotal: '0.00',
      taxTotal: '35.51',
      total: '308.65',
    })
    expect(r.body.number).toMatch(/^SO-\d{4}-\d{6}$/)
    // 12 units reach the 7.77 volume break; 12 × 7.77 = 93.24, tax 12.12; 2 × 89.95 = 179.90, tax 23.39
    expect(
      r.body.lines.map((l: Record<string, unknown>) => [l.unitPrice, l.listPrice, l.lineTotal, l.taxAmount]),
    ).toEqual([
      ['7.77', '10.00', '93.24', '12.12'],
      ['89.95', '99.99', '179.90', '23.39'],
    ])
  })

  it('replays the first answer for the same Idempotency-Key and refuses it with another body', async () => {
    const again = await partner(
      'POST',
      '/api/orders',
      newOrder([
        { productId: f.products.widget, quantity: 12 },
        { productId: f.products.gadget, quantity: 2 },
      ]),
      { 'Idempotency-Key': 'create-1' },
    )
    expect(again.status).toBe(201)
    expect(again.body.id).toBe(orderId)
    expect(again.body.number).toBeDefined()
    const count = await p.db.knex('orders').where({ customerId: f.customerId }).count({ c: '*' }).first()
    expect(Number(count?.c)).toBe(1)
    const other = await partner(
      'POST',
      '/api/orders',
      newOrder([{ productId: f.products.widget, quantity: 1 }]),
      { 'Idempotency-Key': 'create-1' },
    )
    expect(other.status).toBe(422)
  })

  it('binds a partner user to their own partner', async () => {
    const other = await created('/api/partners', {
      code: 'P-OTHER',
      name: 'Other',
      kind: 'reseller',
      tierId: (await p.db.knex('partner_tiers').first('id')).id,
    })
    const r = await partner('POST', '/api/orders', newOrder([], { partnerId: other }))
    expect(r.status).toBe(403)
    expect(r.body.errors).toEqual([{ path: '/partnerId', message: expect.any(String) }])
    // left out, it is filled with the caller's partner (docs/permissions.md, "Row level")
    const { partnerId: _omit, ...withoutPartner } = newOrder([{ productId: f.products.gadget, quantity: 1 }])
    const filled = await partner('POST', '/api/orders', withoutPartner)
    expect(filled.status).toBe(201)
    expect(filled.body).toMatchObject({
      partnerId: f.partnerId,
      priceListId: f.priceListId,
      subtotal: '89.95',
    })
    expect((await p.db.knex('orders').where('id', filled.body.id).first('partnerId')).partnerId).toBe(
      f.partnerId,
    )
    expect(
      (await p.db.knex('order_lines').where('orderId', filled.body.id).first('partnerId')).partnerId,
    ).toBe(f.partnerId)
  })

  it('refuses illegal transitions with the allowed ones', async () => {
    const r = await admin('POST', `/api/orders/${orderId}/ship`, {})
    expect(r.status).toBe(409)
    expect(r.body.message).toBe('Cannot ship an order in state draft; allowed: submit, cancel')
    const s = await admin('PATCH', `/api/orders/${orderId}`, { status: 'approved' })
    expect(s.status).toBe(400)
  })

  it('submit reserves stock once, even when retried with the same key', async () => {
    const before = await stockOf(p, f.products.widget, f.warehouseId)
    const r = await partner('POST', `/api/orders/${orderId}/submit`, {}, { 'Idempotency-Key': 'submit-1' })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ id: orderId, status: 'submitted', total: '308.65' })
    expect(r.body.submittedAt).toBeTruthy()
    const again = await partner(
      'POST',
      `/api/orders/${orderId}/submit`,
      {},
      { 'Idempotency-Key': 'submit-1' },
    )
    expect(again.status).toBe(201)
    expect(again.body).toEqual(r.body)
    const after = await stockOf(p, f.products.widget, f.warehouseId)
    expect(after).toEqual({ onHand: before.onHand, reserved: before.reserved + 12 })
    const moves = await movementsOf(p, orderId)
    expect(moves.map((m) => [m.kind, m.productId, m.quantity])).toEqual([
      ['reservation', f.products.widget, 12],
      ['reservation', f.products.gadget, 2],
    ])
    expect(moves.every((m) => m.reference === r.body.number)).toBe(true)
  })

  it('locks lines once the order is submitted', async () => {
    const line = (await p.db.knex('order_lines').where({ orderId }).first('id')) as { id: number }
    expect((await admin('PATCH', `/api/order-lines/${line.id}`, { quantity: 1 })).status).toBe(409)
    const add = await admin('POST', '/api/order-lines', {
      orderId,
      productId: f.products.widget,
      quantity: 1,
    })
    expect(add.status).toBe(409)
    expect(add.body.message).toMatch(/lines can only be changed while the order is draft/)
  })

  it('leaves approve and ship to staff, then ships from the reservation', async () => {
    expect((await partner('POST', `/api/orders/${orderId}/approve`, {})).status).toBe(403)
    expect((await admin('POST', `/api/orders/${orderId}/approve`, {})).body.status).toBe('approved')
    const before = await stockOf(p, f.products.widget, f.warehouseId)
    const shipped = await admin('POST', `/api/orders/${orderId}/ship`, {})
    expect(shipped.status).toBe(201)
    expect(shipped.body.status).toBe('shipped')
    expect(await stockOf(p, f.products.widget, f.warehouseId)).toEqual({
      onHand: before.onHand - 12,
      reserved: before.reserved - 12,
    })
    const moves = await movementsOf(p, orderId)
    expect(moves.filter((m) => m.kind === 'shipment').map((m) => m.quantity)).toEqual([-12, -2])
    const delivered = await admin('POST', `/api/orders/${orderId}/deliver`, {})
    expect(delivered.body).toMatchObject({ status: 'delivered' })
    expect(delivered.body.deliveredAt).toBeTruthy()
  })

  it('cancelling a submitted order releases its reservation', async () => {
    const o = await partner('POST', '/api/orders', newOrder([{ productId: f.products.widget, quantity: 3 }]))
    const before = await stockOf(p, f.products.widget, f.warehouseId)
    expect((await partner('POST', `/api/orders/${o.body.id}/submit`, {})).status).toBe(201)
    expect((await stockOf(p, f.products.widget, f.warehouseId)).reserved).toBe(before.reserved + 3)
    // partner users may submit; cancelling is for partner admins and staff (permission rules)
    expect((await partner('POST', `/api/orders/${o.body.id}/cancel`, {})).status).toBe(403)
    const c = await admin('POST', `/api/orders/${o.body.id}/cancel`, { reason: 'Changed my mind' })
    expect(c.body).toMatchObject({ status: 'cancelled', cancelReason: 'Changed my mind' })
    expect(await stockOf(p, f.products.widget, f.warehouseId)).toEqual(before)
    expect((await movementsOf(p, o.body.id)).map((m) => [m.kind, m.quantity])).toEqual([
      ['reservation', 3],
      ['release', -3],
    ])
    expect((await admin('POST', `/api/orders/${o.body.id}/submit`, {})).body.message).toBe(
      'Cannot submit an order in state cancelled; allowed: none',
    )
  })

  it('a transition hook veto rolls back everything the transition did', async () => {
    const o = await partner('POST', '/api/orders', newOrder([{ productId: f.products.widget, quantity: 2 }]))
    const before = await stockOf(p, f.products.widget, f.warehouseId)
    const remove = ordersApi(p.app).addTransitionHook({
      actions: ['submit'],
      after() {
        throw new Conflict('Credit limit exceeded')
      },
    })
    try {
      const r = await partner('POST', `/api/orders/${o.body.id}/submit`, {})
      expect(r.status).toBe(409)
      expect(r.body.message).toBe('Credit limit exceeded')
    } finally {
      remove()
    }
    expect((await admin('GET', `/api/orders/${o.body.id}`)).body.status).toBe('draft')
    expect(await stockOf(p, f.products.widget, f.warehouseId)).toEqual(before)
    expect(await movementsOf(p, o.body.id)).toEqual([])
  })

  it('a failure mid-submit (second line out of stock) leaves the order draft and writes nothing', async () => {
    const o = await partner(
      'POST',
      '/api/orders',
      newOrder([
        { productId: f.products.widget, quantity: 1 },
        { productId: f.products.scarce, quantity: 5 },
      ]),
    )
    const before = await stockOf(p, f.products.widget, f.warehouseId)
    const r = await partner('POST', `/api/orders/${o.body.id}/submit`, {})
    expect(r.status).toBe(409)
    expect(r.body.message).toBe(
      `Insufficient stock for product SKU-LOOP-S in warehouse WH-LOOP: requested 5, available 1`,
    )
    expect((await admin('GET', `/api/orders/${o.body.id}`)).body).toMatchObject({
      status: 'draft',
      submittedAt: null,
    })
    expect(await stockOf(p, f.products.widget, f.warehouseId)).toEqual(before)
    expect(await movementsOf(p, o.body.id)).toEqual([])
  })

  it('keeps the ledger for stock operations and shows what is available', async () => {
    expect(
      (
        await admin('POST', '/api/stock-movements', {
          productId: f.products.widget,
          warehouseId: f.warehouseId,
          quantity: 5,
          kind: 'receipt',
          occurredAt: new Date().toISOString(),
        })
      ).status,
    ).toBe(405)
    expect((await admin('PATCH', `/api/stock-levels/1`, { onHand: 5 })).status).toBe(400)
    const levels = await admin('GET', `/api/stock-levels?productId=${f.products.widget}`)
    const level = levels.body.data[0]
    expect(level.available).toBe(level.onHand - level.reserved)
    expect(
      (
        await partner('POST', '/api/stock-receipts', {
          productId: f.products.widget,
          warehouseId: f.warehouseId,
          quantity: 5,
        })
      ).status,
    ).toBe(403)
    const wh2 = await created('/api/warehouses', { code: 'WH-LOOP-2', name: 'Second' })
    const t = await admin('POST', '/api/stock-transfers', {
      productId: f.products.widget,
      fromWarehouseId: f.warehouseId,
      toWarehouseId: wh2,
      quantity: 4,
    })
    expect(t.status).toBe(201)
    expect(t.body.reference).toMatch(/^TR-\d{4}-\d{6}$/)
    expect(await stockOf(p, f.products.widget, wh2)).toEqual({ onHand: 4, reserved: 0 })
    const tooMuch = await admin('POST', '/api/stock-transfers', {
      productId: f.products.widget,
      fromWarehouseId: wh2,
      toWarehouseId: f.warehouseId,
      quantity: 5,
    })
    expect(tooMuch.status).toBe(409)
    expect(tooMuch.body.message).toBe(
      'Insufficient stock for product SKU-LOOP-W in warehouse WH-LOOP-2: requested 5, available 4',
    )
  })

  it('normalises customer codes and reports purchase history exactly', async () => {
    const c = await admin('GET', `/api/customers/${f.customerId}`)
    expect(c.body.code).toBe('C-LOOP')
    const h = await admin('GET', `/api/customer-history/${f.customerId}`)
    expect(h.status).toBe(200)
    expect(h.body).toMatchObject({
      customerId: f.customerId,
      orders: 1,
      totalSpent: '308.65',
      currency: 'CNY',
    })
    expect(h.body.topProducts[0]).toMatchObject({
      productId: f.products.widget,
      quantity: 12,
      amount: '93.24',
    })
    expect(h.body.lastOrderDate).toMatch(/Z$/)
  })
})

async function created(path: string, body: unknown): Promise<number> {
  const r = await admin('POST', path, body)
  if (r.status !== 201) throw new Error(`POST ${path} → ${r.status} ${JSON.stringify(r.body)}`)
  return r.body.id as number
}

describe('Idempotency-Keys are remembered for a day', () => {
  it('replays within the day; after the hourly expiry a retry with the key runs again', async () => {
    const body = newOrder([{ productId: f.products.widget, quantity: 1 }])
    const first = await partner('POST', '/api/orders', body, { 'Idempotency-Key': 'expire-1' })
    expect(first.status).toBe(201)
    const jobs = p.app.get('jobs') as {
      maintenance: { names(): string[]; run(now: Date): Promise<string[]> }
    }
    expect(jobs.maintenance.names()).toContain('orders.idempotency-expiry')
    // an hour later the key is still there
    expect(await jobs.maintenance.run(new Date(Date.now() + 3_600_000))).toContain(
      'orders.idempotency-expiry',
    )
    expect((await partner('POST', '/api/orders', body, { 'Idempotency-Key': 'expire-1' })).body.id).toBe(
      first.body.id,
    )
    // a day and an hour later it is gone, and the same request is a new one
    expect(await jobs.maintenance.run(new Date(Date.now() + 25 * 3_600_000))).toContain(
      'orders.idempotency-expiry',
    )
    expect(await p.db.knex('plume_idempotency').where({ key: 'expire-1' }).first()).toBeUndefined()
    const again = await partner('POST', '/api/orders', body, { 'Idempotency-Key': 'expire-1' })
    expect(again.status).toBe(201)
    expect(again.body.id).not.toBe(first.body.id)
  })
})
