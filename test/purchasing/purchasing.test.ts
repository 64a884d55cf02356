/**
 * Purchasing (issue #20) over HTTP on a real platform: the purchase order lifecycle with partial
 * receipts and the stock ledger, over-receipt, moving-average cost with landed cost (computed
 * independently here), the cost of goods recorded at shipment, and partner users kept out.
 */
import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import {
  bizFixture,
  client,
  created,
  expectStatus,
  type Api,
  type BizFixture,
} from '../marketing/fixtures.js'
import { spreadLanded } from '../../plugins/purchasing/src/cost.js'
import { purchasingApi } from '../../plugins/purchasing/src/api.js'

const D = Decimal.clone({ precision: 40 })
const unit4 = (v: Decimal.Value) => new D(v).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed(4)

let p: TestPlatform
let f: BizFixture
let api: Api
let supplierId: number
let n = 0

beforeAll(async () => {
  p = await startTestPlatform()
  f = await bizFixture(p, 'PUR')
  api = f.api
  supplierId = await created(api, '/api/suppliers', {
    code: 'SUP-T',
    name: 'Test supplier',
    leadTimeDays: 10,
  })
})
afterAll(async () => p?.close())

/** A product with no stock and no cost, for costing from a clean start. */
async function freshProduct(): Promise<number> {
  const k = ++n
  return created(api, '/api/products', {
    sku: `PUR-NEW-${k}`,
    name: `New ${k}`,
    categoryId: f.categories.parts,
    listPrice: '50.00',
    cost: '0.00',
    taxRate: 13,
  })
}

async function purchaseOrder(
  lines: Array<{ productId: number; quantity: number; unitCost?: string }>,
): Promise<{ id: number; number: string; lines: number[] }> {
  const po = await expectStatus(api, 201, 'POST', '/api/purchase-orders', {
    supplierId,
    warehouseId: f.warehouseId,
  })
  const ids: number[] = []
  for (const l of lines)
    ids.push(await created(api, '/api/purchase-order-lines', { purchaseOrderId: po.id, ...l }))
  return { id: po.id, number: po.number, lines: ids }
}

const onHand = async (productId: number) =>
  Number(
    (
      await expectStatus(
        api,
        200,
        'GET',
        `/api/stock-levels?productId=${productId}&warehouseId=${f.warehouseId}`,
      )
    ).data[0]?.onHand ?? 0,
  )
const averageCost = async (productId: number) =>
  (await expectStatus(api, 200, 'GET', `/api/product-costs?productId=${productId}`)).data[0]
    ?.averageCost as string

describe('purchase order lifecycle', () => {
  it('draft → sent → partially received → received → closed, with the ledger and received quantities', async () => {
    const productId = await freshProduct()
    await created(api, '/api/supplier-items', {
      supplierId,
      productId,
      supplierSku: 'X-1',
      price: '7.2500',
      packSize: 10,
      moq: 20,
    })
    const po = await purchaseOrder([{ productId, quantity: 100 }])
    expect(po.number).toMatch(/^PO-\d{4}-\d{6}$/)
    const line = await expectStatus(api, 200, 'GET', `/api/purchase-order-lines/${po.lines[0]}`)
    expect([line.unitCost, line.lineTotal]).toEqual(['7.2500', '725.00']) // the supplier item's price
    expect((await expectStatus(api, 200, 'GET', `/api/purchase-orders/${po.id}`)).total).toBe('725.00')

    expect((await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/send`, {})).status).toBe(
      'sent',
    )
    // lines are frozen once sent
    expect((await api('PATCH', `/api/purchase-order-lines/${po.lines[0]}`, { quantity: 5 })).status).toBe(409)
    const actions = (
      await expectStatus(api, 200, 'GET', `/api/purchase-orders/${po.id}/actions`)
    ).actions.map((a: { name: string }) => a.name)
    expect(actions.sort()).toEqual(['cancel', 'receive'])

    const part = await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/receive`, {
      lines: [{ lineId: po.lines[0], quantity: 40 }],
      reference: 'DN-1',
    })
    expect(part.status).toBe('partially_received')
    expect(await onHand(productId)).toBe(40)
    const rest = await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/receive`, {
      lines: [{ lineId: po.lines[0], quantity: 60 }],
    })
    expect(rest.status).toBe('received')
    expect(rest.receivedAt).toBeTruthy()
    expect(await onHand(productId)).toBe(100)
    const moves = (
      await expectStatus(api, 200, 'GET', `/api/stock-movements?productId=${productId}&$sort[id]=1`)
    ).data
    expect(
      moves.map((m: { kind: string; quantity: number; reference: string }) => [
        m.kind,
        m.quantity,
        m.reference,
      ]),
    ).toEqual([
      ['receipt', 40, po.number],
      ['receipt', 60, po.number],
    ])
    expect(
      (await expectStatus(api, 200, 'GET', `/api/purchase-order-lines/${po.lines[0]}`)).receivedQuantity,
    ).toBe(100)
    expect((await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/close`, {})).status).toBe(
      'closed',
    )
    // nothing more can be received on a closed order
    expect(
      (
        await api('POST', `/api/purchase-orders/${po.id}/receive`, {
          lines: [{ lineId: po.lines[0], quantity: 1 }],
        })
      ).status,
    ).toBe(409)
  })

  it('over-receipt is refused naming the line, unless allowed; a foreign line id is refused; nothing is half-written', async () => {
    const productId = await freshProduct()
    const po = await purchaseOrder([{ productId, quantity: 10, unitCost: '3.00' }])
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/send`, {})
    const over = await api('POST', `/api/purchase-orders/${po.id}/receive`, {
      lines: [{ lineId: po.lines[0], quantity: 12 }],
    })
    expect(over.status).toBe(400)
    expect(JSON.stringify(over.body)).toContain('lines/0/quantity')
    const foreign = await api('POST', `/api/purchase-orders/${po.id}/receive`, {
      lines: [
        { lineId: po.lines[0], quantity: 1 },
        { lineId: 999999, quantity: 1 },
      ],
    })
    expect(foreign.status).toBe(400)
    expect(JSON.stringify(foreign.body)).toContain('lines/1/lineId')
    expect(await onHand(productId)).toBe(0)
    const ok = await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/receive`, {
      lines: [{ lineId: po.lines[0], quantity: 12 }],
      allowOverReceipt: true,
    })
    expect(ok.status).toBe('received')
    expect(await onHand(productId)).toBe(12)
  })

  it('a draft without lines cannot be sent; cancel needs a reason; open quantities count as on order', async () => {
    const empty = await expectStatus(api, 201, 'POST', '/api/purchase-orders', {
      supplierId,
      warehouseId: f.warehouseId,
    })
    expect((await api('POST', `/api/purchase-orders/${empty.id}/send`, {})).status).toBe(409)
    const noReason = await api('POST', `/api/purchase-orders/${empty.id}/cancel`, {})
    expect(noReason.status).toBe(400)
    expect(JSON.stringify(noReason.body)).toContain('reason')
    expect(
      (
        await expectStatus(api, 201, 'POST', `/api/purchase-orders/${empty.id}/cancel`, {
          reason: 'Ordered elsewhere',
        })
      ).status,
    ).toBe('cancelled')

    const productId = await freshProduct()
    const po = await purchaseOrder([{ productId, quantity: 30, unitCost: '1.00' }])
    const purchasing = purchasingApi()
    expect(await purchasing.onOrder(p.db.knex, { productIds: [productId] })).toEqual([]) // a draft is not on order
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/send`, {})
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po.id}/receive`, {
      lines: [{ lineId: po.lines[0], quantity: 12 }],
    })
    expect(await purchasing.onOrder(p.db.knex, { productIds: [productId] })).toEqual([
      { productId, warehouseId: f.warehouseId, quantity: 18 },
    ])
  })
})

describe('costing', () => {
  it('landed cost is spread by value to the cent, remainders to the largest lines', () => {
    expect(
      spreadLanded(
        [
          { quantity: 1, unitCost: '10' },
          { quantity: 1, unitCost: '10' },
          { quantity: 1, unitCost: '10' },
        ],
        '10.00',
      ),
    ).toEqual(['3.34', '3.33', '3.33'])
    expect(
      spreadLanded(
        [
          { quantity: 100, unitCost: '10.00' },
          { quantity: 50, unitCost: '20.00' },
        ],
        '40.00',
      ),
    ).toEqual(['20.00', '20.00'])
    expect(
      spreadLanded(
        [
          { quantity: 3, unitCost: '1.00' },
          { quantity: 1, unitCost: '7.00' },
        ],
        '1.00',
      ),
    ).toEqual(['0.30', '0.70'])
  })

  it('moving-average cost after receipts at different prices with freight and duty; the cost of goods is taken at shipment', async () => {
    const a = await freshProduct()
    const b = await freshProduct()
    // receipt 1: A 100 × 10.00 and B 50 × 20.00 (equal values), freight 30.00 + duty 10.00 → 20.00 each
    const po1 = await purchaseOrder([
      { productId: a, quantity: 100, unitCost: '10.00' },
      { productId: b, quantity: 50, unitCost: '20.00' },
    ])
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po1.id}/send`, {})
    const r1 = await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po1.id}/receive`, {
      lines: [
        { lineId: po1.lines[0], quantity: 100 },
        { lineId: po1.lines[1], quantity: 50 },
      ],
      freight: '30.00',
      duty: '10.00',
    })
    expect([r1.landedCost, r1.total]).toEqual(['40.00', '2040.00'])
    let avgA = new D('10.00').plus(new D('20.00').div(100)) // 10.20
    expect(await averageCost(a)).toBe(unit4(avgA))
    expect(await averageCost(b)).toBe(unit4(new D('20.00').plus(new D('20.00').div(50)))) // 20.40
    // receipt 2: A 300 × 12.00, no freight
    const po2 = await purchaseOrder([{ productId: a, quantity: 300, unitCost: '12.00' }])
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po2.id}/send`, {})
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po2.id}/receive`, {
      lines: [{ lineId: po2.lines[0], quantity: 300 }],
    })
    avgA = avgA.times(100).plus(new D(12).times(300)).div(400) // 11.55
    expect(await averageCost(a)).toBe(unit4(avgA))
    expect((await expectStatus(api, 200, 'GET', `/api/products/${a}`)).cost).toBe(new D(avgA).toFixed(2))

    // an order ships 10 of A: its cost of goods is 10 × 11.5500
    const order = await expectStatus(api, 201, 'POST', '/api/orders', {
      customerId: f.directCustomerId,
      warehouseId: f.warehouseId,
      lines: [{ productId: a, quantity: 10 }],
    })
    for (const action of ['submit', 'approve', 'ship'])
      await expectStatus(api, 201, 'POST', `/api/orders/${order.id}/${action}`, {})
    const shipped = (await expectStatus(api, 200, 'GET', `/api/shipment-costs?orderId=${order.id}`)).data
    expect(
      shipped.map((s: { unitCost: string; totalCost: string; quantity: number }) => [
        s.quantity,
        s.unitCost,
        s.totalCost,
      ]),
    ).toEqual([[10, unit4(avgA), new D(avgA).times(10).toFixed(2)]])

    // a later, dearer receipt moves the average but not the cost already recorded for that sale
    const po3 = await purchaseOrder([{ productId: a, quantity: 110, unitCost: '20.00' }])
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po3.id}/send`, {})
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${po3.id}/receive`, {
      lines: [{ lineId: po3.lines[0], quantity: 110 }],
    })
    const avgA3 = avgA.times(390).plus(new D(20).times(110)).div(500)
    expect(await averageCost(a)).toBe(unit4(avgA3))
    expect(
      (await expectStatus(api, 200, 'GET', `/api/shipment-costs?orderId=${order.id}`)).data[0].unitCost,
    ).toBe(unit4(avgA))
  })

  it('clients cannot write costs: the ledger is the system’s', async () => {
    const cost = (await expectStatus(api, 200, 'GET', '/api/product-costs?$limit=1')).data[0]
    const shipment = (await expectStatus(api, 200, 'GET', '/api/shipment-costs?$limit=1')).data[0]
    expect((await api('DELETE', `/api/product-costs/${cost.id}`)).status).toBe(405)
    expect((await api('DELETE', `/api/shipment-costs/${shipment.id}`)).status).toBe(405)
    expect((await api('GET', `/api/product-costs/${cost.id}`)).body.averageCost).toBe(cost.averageCost)
  })
})

describe('partner users never see suppliers or costs', () => {
  it('every purchasing route answers 403 to a partner user; products stay without cost', async () => {
    const admin = f.token
    const email = `partner-pur@test.local`
    const password = 'Partner-Secret-123'
    const u = await p.http(
      'POST',
      '/api/users',
      { email, name: 'Partner', password, roles: ['partner_user'], partnerId: f.partnerId, locale: 'en' },
      admin,
    )
    expect(u.status).toBe(201)
    const partner = client(p, await p.login(email, password))
    for (const path of [
      '/api/suppliers',
      '/api/supplier-items',
      '/api/purchase-orders',
      '/api/purchase-order-lines',
      '/api/product-costs',
      '/api/shipment-costs',
      '/api/replenishment',
      '/api/supplier-invoices',
      '/api/supplier-payments',
      '/api/ap-aging',
    ]) {
      expect((await partner('GET', path)).status, path).toBe(403)
    }
    expect((await partner('POST', '/api/suppliers', { code: 'EVIL', name: 'Evil' })).status).toBe(403)
    const product = await partner('GET', `/api/products/${f.products.drill}`)
    expect(product.status).toBe(200)
    expect(product.body).not.toHaveProperty('cost')
  })
})

describe('replenishment', () => {
  it('suggests whole packs up to the order-up-to level from the demand history, counts what is on order, and drafts purchase orders', async () => {
    const productId = await freshProduct()
    await created(api, '/api/supplier-items', {
      supplierId,
      productId,
      supplierSku: 'R-1',
      price: '4.0000',
      packSize: 12,
      moq: 24,
      leadTimeDays: 14,
      preferred: true,
    })
    await expectStatus(api, 201, 'POST', '/api/stock-receipts', {
      productId,
      warehouseId: f.warehouseId,
      quantity: 20,
    })
    // two years of shipment history in the ledger: 10 units every week
    const week = 7 * 86_400_000
    const thisWeek = Math.floor(Date.now() / week) * week
    await p.db.knex('stock_movements').insert(
      Array.from({ length: 104 }, (_, i) => ({
        productId,
        warehouseId: f.warehouseId,
        quantity: -10,
        kind: 'shipment',
        occurredAt: new Date(thisWeek - (104 - i) * week + 3_600_000).toISOString(),
        reference: 'history',
      })),
    )

    const find = async () =>
      (
        await expectStatus(
          api,
          200,
          'GET',
          `/api/replenishment?warehouseId=${f.warehouseId}&all=true&$limit=500`,
        )
      ).data.find((s: { productId: number }) => s.productId === productId)
    const s = await find()
    // constant demand: forecast 10/week, no error → no safety stock; lead time 2 weeks, review 1 week
    expect(s).toMatchObject({
      supplierId,
      weeklyForecast: 10,
      sigmaWeekly: 0,
      leadTimeWeeks: 2,
      safetyStock: 0,
      reorderPoint: 20,
      orderUpTo: 30,
      onHand: 20,
      onOrder: 0,
    })
    // position 20 ≤ ROP 20 → up to 30 is 10 → one pack of 12, but the MOQ is 24
    expect(s.quantity).toBe(24)
    expect(s.stockoutInWeeks).toBe(3)

    const drafts = await expectStatus(api, 201, 'POST', '/api/replenishment', {
      lines: [{ productId, warehouseId: f.warehouseId, quantity: s.quantity }],
    })
    expect(drafts).toHaveLength(1)
    expect(drafts[0]).toMatchObject({
      supplierId,
      warehouseId: f.warehouseId,
      status: 'draft',
      subtotal: '96.00',
    })
    await expectStatus(api, 201, 'POST', `/api/purchase-orders/${drafts[0].id}/send`, {})
    // 24 on order lifts the position above the reorder point: nothing more to order
    expect(await find()).toMatchObject({ onOrder: 24, quantity: 0 })
  })

  it('refuses a bad service level and a line without supplier, naming the field', async () => {
    const bad = await api('GET', '/api/replenishment?serviceLevel=2')
    expect(bad.status).toBe(400)
    expect(JSON.stringify(bad.body)).toContain('serviceLevel')
    const orphan = await freshProduct()
    const none = await api('POST', '/api/replenishment', {
      lines: [{ productId: orphan, warehouseId: f.warehouseId, quantity: 5 }],
    })
    expect(none.status).toBe(400)
    expect(JSON.stringify(none.body)).toContain('lines/0/productId')
  })
})

describe('accounts payable', () => {
  it('invoices fall due after the supplier’s terms; payments never exceed what is owed; aging as of any date', async () => {
    const sup = await created(api, '/api/suppliers', {
      code: 'SUP-AP',
      name: 'Payables supplier',
      paymentTermsDays: 30,
    })
    const inv = async (invoiceNumber: string, invoiceDate: string, total: string) =>
      expectStatus(api, 201, 'POST', '/api/supplier-invoices', {
        supplierId: sup,
        invoiceNumber,
        invoiceDate,
        total,
      })
    const a = await inv('A-1', '2026-06-01', '1000.00') // due 2026-07-01
    const b = await inv('B-1', '2026-09-15', '400.00') // due 2026-10-15
    await inv('C-1', '2026-11-20', '250.00') // due 2026-12-20
    expect([String(a.dueDate).slice(0, 10), a.status, a.paidAmount]).toEqual(['2026-07-01', 'open', '0.00'])
    expect(
      (
        await api('POST', '/api/supplier-invoices', {
          supplierId: sup,
          invoiceNumber: 'A-1',
          invoiceDate: '2026-06-02',
          total: '1.00',
        })
      ).status,
    ).toBe(409)

    const over = await api('POST', '/api/supplier-payments', {
      supplierInvoiceId: a.id,
      amount: '1000.01',
      paidAt: '2026-07-10',
    })
    expect(over.status).toBe(400)
    expect(JSON.stringify(over.body)).toContain('amount')
    await expectStatus(api, 201, 'POST', '/api/supplier-payments', {
      supplierInvoiceId: a.id,
      amount: '600.00',
      paidAt: '2026-07-10',
    })
    expect(await expectStatus(api, 200, 'GET', `/api/supplier-invoices/${a.id}`)).toMatchObject({
      paidAmount: '600.00',
      status: 'partially_paid',
    })
    expect((await api('PATCH', `/api/supplier-invoices/${a.id}`, { total: '900.00' })).status).toBe(409)
    const pay2 = await expectStatus(api, 201, 'POST', '/api/supplier-payments', {
      supplierInvoiceId: b.id,
      amount: '400.00',
      paidAt: '2026-12-01',
    })
    expect((await expectStatus(api, 200, 'GET', `/api/supplier-invoices/${b.id}`)).status).toBe('paid')
    expect((await api('DELETE', `/api/supplier-payments/${pay2.id}`)).status).toBe(405)

    const aging = async (asOf: string) =>
      (await expectStatus(api, 200, 'GET', `/api/ap-aging?asOf=${asOf}&supplierId=${sup}`)).suppliers[0]
    // 2026-11-30: A owes 400.00, 152 days late; B owes 400.00 (paid on 12-01), 46 days late; C is current
    expect(await aging('2026-11-30')).toMatchObject({
      current: '250.00',
      days1to30: '0.00',
      days31to60: '400.00',
      days61to90: '0.00',
      over90: '400.00',
      open: '1050.00',
    })
    // 2026-07-05: only A, 4 days late and unpaid
    expect(await aging('2026-07-05')).toMatchObject({
      current: '0.00',
      days1to30: '1000.00',
      open: '1000.00',
    })
    const badDate = await api('GET', '/api/ap-aging?asOf=yesterday')
    expect(badDate.status).toBe(400)
    expect(JSON.stringify(badDate.body)).toContain('asOf')
  })
})
