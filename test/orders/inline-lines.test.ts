import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, type Api, type LoopFixture } from './fixtures.js'

// An order and its lines in one request: POST with up to 1,000 lines, PATCH replacing the lines of a draft (PGlite; PostgreSQL with DATABASE_URL)
let p: TestPlatform
let f: LoopFixture
let admin: Api

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'IL')
  admin = client(p, f.token)
})
afterAll(async () => p?.close())

const linesOf = async (orderId: number) =>
  (await p.db
    .knex('order_lines')
    .select('productId', 'quantity', 'unitPrice', 'lineTotal')
    .where({ orderId })
    .orderBy('id')) as Array<{ productId: number; quantity: number; unitPrice: string; lineTotal: string }>

describe('order lines in the order request', () => {
  it('creates and quotes a 1,000-line order in one request', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => ({
      productId: i % 2 ? f.products.widget : f.products.gadget,
      quantity: 1 + (i % 3),
    }))
    const quote = await admin('POST', '/api/order-quotes', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines,
    })
    expect(quote.status).toBe(200)
    expect(quote.body.lines).toHaveLength(1000)
    const r = await admin('POST', '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines,
    })
    expect(r.status).toBe(201)
    expect(r.body.lines).toHaveLength(1000)
    expect(r.body.total).toBe(quote.body.total)
    const tooMany = await admin('POST', '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [...lines, lines[0]],
    })
    expect(tooMany.status).toBe(400)
    expect(tooMany.body.errors[0].path).toBe('/lines')
  })

  it('PATCH with lines replaces the lines of a draft, re-priced, in the same transaction as the header', async () => {
    const id = await created(admin, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    const r = await admin('PATCH', `/api/orders/${id}`, {
      notes: 'two lines now',
      lines: [
        { productId: f.products.widget, quantity: 12 },
        { productId: f.products.gadget, quantity: 2 },
      ],
    })
    expect(r.status).toBe(200)
    expect(r.body.notes).toBe('two lines now')
    expect(
      r.body.lines.map((l: { productId: number; unitPrice: string }) => [l.productId, l.unitPrice]),
    ).toEqual([
      [f.products.widget, '7.77'],
      [f.products.gadget, '89.95'],
    ])
    // 12 × 7.77 + 2 × 89.95 = 273.14, tax 13 %: 35.51 (per line: 12.12 + 23.39)
    expect(r.body).toMatchObject({ subtotal: '273.14', taxTotal: '35.51', total: '308.65' })
    expect(await linesOf(id)).toHaveLength(2)
  })

  it('a bad line refuses the whole patch, named by its line; nothing changes', async () => {
    const id = await created(admin, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      notes: 'before',
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    const before = await linesOf(id)
    const r = await admin('PATCH', `/api/orders/${id}`, {
      notes: 'after',
      lines: [
        { productId: f.products.widget, quantity: 3 },
        { productId: f.products.gadget, quantity: 0 },
      ],
    })
    expect(r.status).toBe(400)
    expect(r.body.errors[0].path).toBe('/lines/1/quantity')
    expect(JSON.stringify(r.body)).not.toMatch(/select|insert|order_lines/i)
    expect(await linesOf(id)).toEqual(before)
    expect((await admin('GET', `/api/orders/${id}`)).body.notes).toBe('before')
  })

  it('a submitted order keeps its lines (409)', async () => {
    const id = await created(admin, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    expect((await admin('POST', `/api/orders/${id}/submit`, {})).status).toBe(201)
    const before = await linesOf(id)
    const r = await admin('PATCH', `/api/orders/${id}`, {
      lines: [{ productId: f.products.gadget, quantity: 5 }],
    })
    expect(r.status).toBe(409)
    expect(await linesOf(id)).toEqual(before)
  })

  it("a partner user cannot replace lines of another partner's order", async () => {
    const id = await created(admin, '/api/orders', {
      customerId: f.customerId,
      warehouseId: f.warehouseId,
      partnerId: null,
      lines: [{ productId: f.products.widget, quantity: 1 }],
    })
    await p.db.knex('orders').where({ id }).update({ partnerId: null })
    const partner = client(p, await p.login(f.partnerEmail, f.partnerPassword))
    const r = await partner('PATCH', `/api/orders/${id}`, {
      lines: [{ productId: f.products.gadget, quantity: 5 }],
    })
    expect([403, 404]).toContain(r.status)
    expect(await linesOf(id)).toHaveLength(1)
  })

  it('documents lines on OrderData and OrderPatch in OpenAPI', async () => {
    const doc = (await p.http('GET', '/api/openapi.json')).body
    expect(doc.components.schemas.OrderData.properties.lines.items.required).toEqual([
      'productId',
      'quantity',
    ])
    expect(doc.components.schemas.OrderPatch.properties.lines.maxItems).toBe(1000)
  })
})
