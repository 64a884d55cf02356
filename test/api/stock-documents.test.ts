/**
 * Stock receipts, transfers and adjustments as documents: a header and its lines in one request,
 * written in one transaction — a bad line or a line short of stock writes nothing. Over HTTP
 * (PGlite; PostgreSQL with DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { client, created, loopFixture, stockOf, type Api, type LoopFixture } from '../orders/fixtures.js'

let p: TestPlatform
let f: LoopFixture
let admin: Api
let wh2: number

beforeAll(async () => {
  p = await startTestPlatform({ demo: false })
  f = await loopFixture(p, 'SD')
  admin = client(p, f.token)
  wh2 = await created(admin, '/api/warehouses', { code: 'WH-SD-2', name: 'Second' })
}, 400_000)
afterAll(async () => p?.close())

const movements = async () =>
  Number(((await p.db.knex('stock_movements').count({ n: '*' }).first()) as { n: string | number }).n)
const snapshot = async () => ({
  movements: await movements(),
  widget: await stockOf(p, f.products.widget, f.warehouseId),
  gadget: await stockOf(p, f.products.gadget, f.warehouseId),
  scarce: await stockOf(p, f.products.scarce, f.warehouseId),
})

describe('stock documents: the lines in one request, one transaction', { timeout: 400_000 }, () => {
  it('a receipt of three lines: every line written under the header, levels answered per line', async () => {
    const before = await snapshot()
    const r = await admin('POST', '/api/stock-receipts', {
      warehouseId: f.warehouseId,
      reference: 'GRN-SD-1',
      lines: [
        { productId: f.products.widget, quantity: 5 },
        { productId: f.products.gadget, quantity: 2 },
        { productId: f.products.scarce, quantity: 1 },
      ],
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(
      r.body.lines.map((l: { productId: number; level: { onHand: number } }) => [
        l.productId,
        l.level.onHand,
      ]),
    ).toEqual([
      [f.products.widget, before.widget.onHand + 5],
      [f.products.gadget, before.gadget.onHand + 2],
      [f.products.scarce, before.scarce.onHand + 1],
    ])
    const rows = (await p.db
      .knex('stock_movements')
      .where({ reference: 'GRN-SD-1' })
      .select('kind', 'quantity')) as Array<{ kind: string; quantity: number }>
    expect(rows).toHaveLength(3)
    expect(rows.every((m) => m.kind === 'receipt')).toBe(true)
  })

  it('a bad line: 400 naming lines/3/quantity, and nothing is written', async () => {
    const before = await snapshot()
    const r = await admin('POST', '/api/stock-receipts', {
      warehouseId: f.warehouseId,
      lines: [
        { productId: f.products.widget, quantity: 1 },
        { productId: f.products.gadget, quantity: 1 },
        { productId: f.products.scarce, quantity: 1 },
        { productId: f.products.widget, quantity: 0 },
      ],
    })
    expect(r.status).toBe(400)
    expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['/lines/3/quantity'])
    expect(r.body.message).toMatch(/lines\/3\/quantity/)
    expect(await snapshot()).toEqual(before)
    const noLines = await admin('POST', '/api/stock-adjustments', {
      warehouseId: f.warehouseId,
      note: 'count',
      lines: [],
    })
    expect(noLines.status).toBe(400)
    expect(noLines.body.errors[0].path).toBe('/lines')
    const badHeader = await admin('POST', '/api/stock-transfers', {
      fromWarehouseId: f.warehouseId,
      lines: [{ productId: f.products.widget, quantity: 1, colour: 'red' }],
    })
    expect(badHeader.status).toBe(400)
    expect(badHeader.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      '/lines/0/colour',
      '/toWarehouseId',
    ])
  })

  it('a transfer whose second line oversells: 409, and the first line is not moved either', async () => {
    const before = await snapshot()
    const r = await admin('POST', '/api/stock-transfers', {
      fromWarehouseId: f.warehouseId,
      toWarehouseId: wh2,
      lines: [
        { productId: f.products.widget, quantity: 2 },
        { productId: f.products.scarce, quantity: before.scarce.onHand + 1 },
      ],
    })
    expect(r.status).toBe(409)
    expect(r.body.message).toMatch(/Insufficient stock for product SKU-SD-S/)
    expect(await snapshot()).toEqual(before)
    expect(await p.db.knex('stock_levels').where({ warehouseId: wh2 }).first()).toBeUndefined()
  })

  it('a transfer and an adjustment of several lines: one reference, every line written', async () => {
    const t = await admin('POST', '/api/stock-transfers', {
      fromWarehouseId: f.warehouseId,
      toWarehouseId: wh2,
      note: 'rebalance',
      lines: [
        { productId: f.products.widget, quantity: 3 },
        { productId: f.products.gadget, quantity: 1 },
      ],
    })
    expect(t.status, JSON.stringify(t.body)).toBe(201)
    expect(t.body.reference).toMatch(/^TR-\d{4}-\d{6}$/)
    expect(await stockOf(p, f.products.widget, wh2)).toEqual({ onHand: 3, reserved: 0 })
    expect(await stockOf(p, f.products.gadget, wh2)).toEqual({ onHand: 1, reserved: 0 })
    expect(
      await p.db.knex('stock_movements').where({ reference: t.body.reference }).count({ n: '*' }).first(),
    ).toMatchObject({ n: expect.anything() })
    const a = await admin('POST', '/api/stock-adjustments', {
      warehouseId: wh2,
      note: 'cycle count',
      lines: [
        { productId: f.products.widget, quantity: -1 },
        { productId: f.products.gadget, quantity: 4 },
      ],
    })
    expect(a.status, JSON.stringify(a.body)).toBe(201)
    expect(a.body.lines.map((l: { level: { onHand: number } }) => l.level.onHand)).toEqual([2, 5])
  })

  it('OpenAPI documents both bodies, lines included, for the three routes', async () => {
    const doc = (await p.http('GET', '/api/openapi.json', undefined, f.token)).body
    for (const route of ['stock-receipts', 'stock-transfers', 'stock-adjustments']) {
      const body = JSON.stringify(doc.paths[`/api/${route}`].post.requestBody)
      expect(body, route).toContain('"lines"')
      expect(body, route).toContain('/lines/3/quantity')
    }
  })
})
