import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type Api, type LoopFixture } from './fixtures.js'

// POST /api/order-quotes: the create + pricing path in a transaction that rolls back (PGlite; PostgreSQL with DATABASE_URL)
let p: TestPlatform
let f: LoopFixture
let admin: Api
let partner: Api
let otherCustomer: number

const TABLES = ['orders', 'order_lines', 'customers', 'stock_movements', 'stock_levels', 'audit_log']

async function counts(): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const t of TABLES) {
    const exists = await p.db.knex.schema.hasTable(t)
    if (exists) out[t] = Number(((await p.db.knex(t).count('* as n').first()) as { n: number | string }).n)
  }
  return out
}

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'QT')
  admin = client(p, f.token)
  partner = client(p, await p.login(f.partnerEmail, f.partnerPassword))
  const tierId = await created(admin, '/api/partner-tiers', { code: 'T-QT2', name: 'Silver', rank: 2 })
  const otherPartner = await created(admin, '/api/partners', {
    code: 'p-qt2',
    name: 'Other partner',
    kind: 'reseller',
    tierId,
  })
  otherCustomer = await created(admin, '/api/customers', {
    code: 'c-qt2',
    name: 'Not yours',
    partnerId: otherPartner,
  })
})
afterAll(async () => p?.close())

const lines = () => [
  { productId: f.products.widget, quantity: 12 },
  { productId: f.products.gadget, quantity: 2 },
  { productId: f.products.scarce, quantity: 1 },
]

describe('order price quote', () => {
  it('equals the prices of the same order created and submitted, and writes nothing', async () => {
    const before = await counts()
    const q = await admin('POST', '/api/order-quotes', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: lines(),
    })
    expect(q.status).toBe(200)
    expect(await counts()).toEqual(before)
    expect(q.body).toMatchObject({
      customerId: f.customerId,
      partnerId: f.partnerId,
      warehouseId: f.warehouseId,
      priceListId: f.priceListId,
      currency: 'CNY',
    })
    expect(q.body.lines.map((l: { available: number }) => l.available)).toEqual([100, 50, 1])

    const orderId = await created(admin, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: lines(),
    })
    const submitted = await admin('POST', `/api/orders/${orderId}/submit`, {})
    expect(submitted.body.status).toBe('submitted')
    const order = (await admin('GET', `/api/orders/${orderId}`)).body
    const saved = (await admin('GET', `/api/order-lines?orderId=${orderId}&$sort[id]=1`)).body.data as Array<
      Record<string, unknown>
    >
    const pick = (l: Record<string, unknown>) => ({
      productId: l.productId,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      listPrice: l.listPrice,
      discount: l.discount,
      taxRate: l.taxRate,
      taxAmount: l.taxAmount,
      lineTotal: l.lineTotal,
    })
    expect(q.body.lines.map(pick)).toEqual(saved.map(pick))
    expect(q.body.lines[0]).toMatchObject({ sku: 'SKU-QT-W', unitPrice: '7.77' })
    for (const k of ['subtotal', 'discountTotal', 'taxTotal', 'total']) expect(q.body[k]).toBe(order[k])
  })

  it('resolves lines by SKU and names a SKU that matches nothing', async () => {
    const q = await admin('POST', '/api/order-quotes', {
      customerId: f.customerId,
      lines: [{ sku: 'SKU-QT-G', quantity: 1 }],
    })
    expect(q.status).toBe(200)
    expect(q.body.lines[0]).toMatchObject({ productId: f.products.gadget, unitPrice: '89.95' })
    const bad = await admin('POST', '/api/order-quotes', {
      customerId: f.customerId,
      lines: [{ sku: 'NO-SUCH', quantity: 1 }],
    })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('lines/0/sku')
    const zero = await admin('POST', '/api/order-quotes', {
      customerId: f.customerId,
      lines: [{ productId: f.products.widget, quantity: 0 }],
    })
    expect(zero.status).toBe(400)
    expect(zero.body.message).toContain('lines/0/quantity')
  })

  it("a partner user quotes their own customers, their partner's prices without a customer, and never another partner's customer", async () => {
    const before = await counts()
    const own = await partner('POST', '/api/order-quotes', {
      customerId: f.customerId,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    expect(own.status).toBe(200)
    expect(own.body.lines[0].unitPrice).toBe('8.33')
    const noCustomer = await partner('POST', '/api/order-quotes', {
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    expect(noCustomer.status).toBe(200)
    expect(noCustomer.body).toMatchObject({
      customerId: null,
      partnerId: f.partnerId,
      priceListId: f.priceListId,
    })
    expect(noCustomer.body.lines[0].unitPrice).toBe('8.33')
    const foreign = await partner('POST', '/api/order-quotes', {
      customerId: otherCustomer,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    expect([403, 404]).toContain(foreign.status)
    expect(JSON.stringify(foreign.body)).not.toContain('8.33')
    expect(await counts()).toEqual(before)
  })

  it('needs a login', async () => {
    expect(
      (await p.http('POST', '/api/order-quotes', { customerId: f.customerId, lines: lines() })).status,
    ).toBe(401)
  })
})
