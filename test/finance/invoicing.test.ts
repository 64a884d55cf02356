import { Decimal } from 'decimal.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestPlatform, type TestPlatform } from '@plume/core/testing'
import { financeFixture, orderIn, post, type FinanceFixture } from './fixtures.js'

let p: TestPlatform
let f: FinanceFixture
type Api = (method: string, path: string, body?: unknown) => ReturnType<TestPlatform['http']>
let api: Api

beforeAll(async () => {
  p = await startTestPlatform()
  f = await financeFixture(p, 'INV')
  api = (method, path, body) => p.http(method, path, body, f.token)
})
afterAll(async () => p?.close())

const year = new Date().getUTCFullYear()
const day = (d: unknown) => (d instanceof Date ? d.toISOString() : String(d)).slice(0, 10)

describe('invoices from delivered orders', () => {
  let invoiceId: number
  let big: { id: number; number: string; total: string }
  let small: { id: number; number: string; total: string }

  it('copies the prices locked on the order lines, even after the price list changed', async () => {
    big = await orderIn(p, f, 'delivered', [
      { productId: f.products.widget, quantity: 12 },
      { productId: f.products.gadget, quantity: 2 },
    ])
    small = await orderIn(p, f, 'closed', [{ productId: f.products.widget, quantity: 3 }])
    // prices move after delivery: the invoice must not follow them
    expect((await api('PATCH', `/api/price-list-items/${f.priceItemId}`, { unitPrice: '1.00' })).status).toBe(
      200,
    )
    expect(
      (await api('PATCH', `/api/products/${f.products.gadget}`, { listPrice: '5.00', taxRate: 6 })).status,
    ).toBe(200)

    const r = await api('POST', '/api/invoices/from-orders', { orderIds: [small.id, big.id] })
    expect(r.status).toBe(201)
    invoiceId = r.body.id
    expect(r.body.number).toBe(`INV-${year}-000001`)
    // 12 × 7.77 = 93.24 (tax 12.12), 2 × 89.95 = 179.90 (tax 23.39), 3 × 8.33 = 24.99 (tax 3.2487 → 3.25)
    expect(r.body).toMatchObject({
      status: 'draft',
      customerId: f.customerId,
      partnerId: f.partnerId,
      currency: 'CNY',
      subtotal: '298.13',
      taxTotal: '38.76',
      total: '336.89',
      amountPaid: '0.00',
      creditTotal: '0.00',
    })
    expect(
      r.body.lines.map((l: Record<string, unknown>) => [
        l.orderId,
        l.quantity,
        l.unitPrice,
        Number(l.taxRate),
        l.lineTotal,
        l.taxAmount,
      ]),
    ).toEqual([
      [big.id, 12, '7.77', 13, '93.24', '12.12'],
      [big.id, 2, '89.95', 13, '179.90', '23.39'],
      [small.id, 3, '8.33', 13, '24.99', '3.25'],
    ])
    // the invoice bills exactly what the orders said
    expect(r.body.total).toBe(new Decimal(big.total).plus(small.total).toFixed(2))
    const stored = await api('GET', `/api/invoice-lines?invoiceId=${invoiceId}&$sort[id]=1`)
    expect(stored.body.data.map((l: Record<string, unknown>) => l.unitPrice)).toEqual([
      '7.77',
      '89.95',
      '8.33',
    ])
  })

  it('refuses orders not delivered or already invoiced, naming them, and writes nothing', async () => {
    const shipped = await orderIn(p, f, 'shipped', [{ productId: f.products.widget, quantity: 1 }])
    const before = await p.db.knex('invoices').count({ c: '*' }).first()
    const r = await api('POST', '/api/invoices/from-orders', { orderIds: [big.id, shipped.id] })
    expect(r.status).toBe(409)
    expect(r.body.message).toBe(
      `Cannot invoice orders not delivered: ${shipped.number} (shipped); already invoiced: ${big.number} (INV-${year}-000001)`,
    )
    expect(await p.db.knex('invoices').count({ c: '*' }).first()).toEqual(before)
    expect((await api('POST', '/api/invoices/from-orders', { orderIds: [999999] })).status).toBe(404)
    expect((await api('POST', '/api/invoices/from-orders', { orderIds: [] })).status).toBe(400)
    expect((await api('POST', '/api/invoices/from-orders', { orderIds: [big.id, big.id] })).status).toBe(400)
  })

  it('one invoice is for one customer', async () => {
    const mine = await orderIn(p, f, 'delivered', [{ productId: f.products.widget, quantity: 1 }])
    const theirs = await orderIn(
      p,
      f,
      'delivered',
      [{ productId: f.products.widget, quantity: 1 }],
      f.otherCustomerId,
    )
    const r = await api('POST', '/api/invoices/from-orders', { orderIds: [mine.id, theirs.id] })
    expect(r.status).toBe(409)
    expect(r.body.message).toMatch(/cannot share an invoice/)
  })

  it("issues with the due date from the customer's payment terms; the state machine refuses the rest", async () => {
    const r = await api('POST', `/api/invoices/${invoiceId}/issue`, { issueDate: '2026-07-01' })
    expect(r.status).toBe(201)
    expect(r.body.status).toBe('issued')
    expect(day(r.body.issueDate)).toBe('2026-07-01')
    expect(day(r.body.dueDate)).toBe('2026-07-31')
    const again = await api('POST', `/api/invoices/${invoiceId}/issue`, {})
    expect(again.status).toBe(409)
    expect(again.body.message).toBe(`Cannot issue invoice INV-${year}-000001 in state issued; allowed: void`)
    expect((await api('PATCH', `/api/invoices/${invoiceId}`, { issueDate: '2026-01-01' })).status).toBe(409)
    expect((await api('DELETE', `/api/invoices/${invoiceId}`)).status).toBe(409)
    expect((await api('PATCH', `/api/invoices/${invoiceId}`, { amountPaid: '1.00' })).status).toBe(400)
  })

  it('takes a partial payment, then keeps an over-payment as unallocated credit', async () => {
    const pay1 = await post(p, f.token, '/api/payments', {
      customerId: f.customerId,
      amount: '100.00',
      method: 'bank_transfer',
      receivedAt: '2026-07-10T09:00:00Z',
    })
    expect(pay1).toMatchObject({ unallocated: '100.00', partnerId: f.partnerId, currency: 'CNY' })
    const tooMuch = await api('POST', `/api/payments/${pay1.id}/allocate`, {
      allocations: [{ invoiceId, amount: '100.01' }],
    })
    expect(tooMuch.status).toBe(409)
    expect(tooMuch.body.message).toBe(
      `Cannot allocate 100.01 from payment ${pay1.id}: only 100.00 is unallocated`,
    )
    const a = await api('POST', `/api/payments/${pay1.id}/allocate`, {
      allocations: [{ invoiceId, amount: '100.00' }],
    })
    expect(a.status).toBe(201)
    expect(a.body.payment.unallocated).toBe('0.00')
    expect(a.body.allocations).toEqual([
      { invoiceId, number: `INV-${year}-000001`, amount: '100.00', open: '236.89', status: 'partially_paid' },
    ])
    expect((await api('GET', `/api/invoices/${invoiceId}`)).body).toMatchObject({
      status: 'partially_paid',
      amountPaid: '100.00',
    })

    const pay2 = await post(p, f.token, '/api/payments', {
      customerId: f.customerId,
      amount: '300.00',
      method: 'card',
      receivedAt: '2026-07-20T09:00:00Z',
    })
    const over = await api('POST', `/api/payments/${pay2.id}/allocate`, {
      allocations: [{ invoiceId, amount: '236.90' }],
    })
    expect(over.status).toBe(409)
    expect(over.body.message).toBe(
      `Cannot allocate 236.90 to invoice INV-${year}-000001: only 236.89 is open`,
    )
    const auto = await api('POST', `/api/payments/${pay2.id}/allocate`, {})
    expect(auto.status).toBe(201)
    expect(auto.body.allocations).toEqual([
      { invoiceId, number: `INV-${year}-000001`, amount: '236.89', open: '0.00', status: 'paid' },
    ])
    expect(auto.body.payment.unallocated).toBe('63.11')
    expect((await api('GET', `/api/invoices/${invoiceId}`)).body).toMatchObject({
      status: 'paid',
      amountPaid: '336.89',
    })
    // a paid invoice takes no more money, and an allocated payment keeps its amount
    expect(
      (
        await api('POST', `/api/payments/${pay2.id}/allocate`, {
          allocations: [{ invoiceId, amount: '1.00' }],
        })
      ).status,
    ).toBe(409)
    expect((await api('PATCH', `/api/payments/${pay2.id}`, { amount: '1.00' })).status).toBe(409)
    expect(
      (await api('POST', '/api/payment-allocations', { paymentId: pay2.id, invoiceId, amount: '1.00' }))
        .status,
    ).toBe(405)
    expect((await api('POST', `/api/invoices/${invoiceId}/void`, { reason: 'test' })).status).toBe(409)
  })

  it('a credit note for a return reduces the open balance of its invoice', async () => {
    const o = await orderIn(p, f, 'delivered', [{ productId: f.products.widget, quantity: 5 }])
    const inv = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [o.id] })
    expect(inv.number).toBe(`INV-${year}-000002`)
    await post(p, f.token, `/api/invoices/${inv.id}/issue`, { issueDate: '2026-08-01' })
    // 5 × 1.00 (the price list changed before this order was submitted) = 5.00 + tax 0.65
    expect(inv.total).toBe('5.65')
    const tooBig = await post(p, f.token, '/api/credit-notes', {
      customerId: f.customerId,
      invoiceId: inv.id,
      amount: '6.00',
      reason: 'Wrong price',
      kind: 'correction',
    })
    const refused = await api('POST', `/api/credit-notes/${tooBig.id}/issue`, { issueDate: '2026-08-05' })
    expect(refused.status).toBe(409)
    expect(refused.body.message).toBe(
      `Cannot apply 6.00 of credit note CN-${year}-000001 to invoice ${String(inv.number)}: only 5.65 is open`,
    )
    const cn = await post(p, f.token, '/api/credit-notes', {
      customerId: f.customerId,
      invoiceId: inv.id,
      orderId: o.id,
      amount: '2.26',
      reason: 'Two widgets returned',
      kind: 'return',
    })
    expect(cn).toMatchObject({ status: 'draft', number: null })
    const issued = await post(p, f.token, `/api/credit-notes/${cn.id}/issue`, { issueDate: '2026-08-05' })
    // the refused attempt rolled back, so its number was not used: still gap-free
    expect(issued).toMatchObject({ status: 'applied', number: `CN-${year}-000001`, invoiceId: inv.id })
    expect((await api('GET', `/api/invoices/${inv.id}`)).body).toMatchObject({
      status: 'partially_paid',
      creditTotal: '2.26',
      amountPaid: '0.00',
    })
    expect((await api('PATCH', `/api/credit-notes/${cn.id}`, { amount: '1.00' })).status).toBe(409)
    expect((await api('POST', `/api/credit-notes/${cn.id}/void`, {})).status).toBe(409)
  })

  it('voids an unpaid invoice and lets its orders be invoiced again', async () => {
    // the other customer: the risk plugin puts orders of customers with long-overdue invoices on hold
    const o = await orderIn(
      p,
      f,
      'delivered',
      [{ productId: f.products.gadget, quantity: 1 }],
      f.otherCustomerId,
    )
    const inv = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [o.id] })
    const v = await api('POST', `/api/invoices/${inv.id}/void`, { reason: 'Wrong customer address' })
    expect(v.body).toMatchObject({ status: 'void', voidReason: 'Wrong customer address' })
    const again = await post(p, f.token, '/api/invoices/from-orders', { orderIds: [o.id] })
    expect(Number(String(again.number).slice(-6))).toBe(Number(String(inv.number).slice(-6)) + 1)
  })

  it('retries with an Idempotency-Key replay the first answer: no second invoice, payment or allocation', async () => {
    const o = await orderIn(
      p,
      f,
      'delivered',
      [{ productId: f.products.widget, quantity: 2 }],
      f.otherCustomerId,
    )
    const send = (path: string, body: unknown, key: string) =>
      p.http('POST', path, body, f.token, { 'Idempotency-Key': key })
    const inv = await send('/api/invoices/from-orders', { orderIds: [o.id] }, 'inv-1')
    const again = await send('/api/invoices/from-orders', { orderIds: [o.id] }, 'inv-1')
    expect([inv.status, again.status]).toEqual([201, 201])
    expect(again.body.number).toBe(inv.body.number)
    await post(p, f.token, `/api/invoices/${inv.body.id}/issue`, {})
    const body = {
      customerId: f.otherCustomerId,
      amount: '10.00',
      method: 'cash',
      receivedAt: '2026-11-20T10:00:00Z',
    }
    const pay = await send('/api/payments', body, 'pay-1')
    expect((await send('/api/payments', body, 'pay-1')).body.id).toBe(pay.body.id)
    expect(
      Number(
        (
          (await p.db
            .knex('payments')
            .where({ customerId: f.otherCustomerId, method: 'cash' })
            .count({ c: '*' })
            .first()) as { c: string }
        ).c,
      ),
    ).toBe(1)
    const alloc = { allocations: [{ invoiceId: inv.body.id, amount: '5.00' }] }
    const a1 = await send(`/api/payments/${pay.body.id}/allocate`, alloc, 'alloc-1')
    const a2 = await send(`/api/payments/${pay.body.id}/allocate`, alloc, 'alloc-1')
    expect(a2.body).toEqual(a1.body)
    expect((await api('GET', `/api/invoices/${inv.body.id}`)).body.amountPaid).toBe('5.00')
    expect((await api('GET', `/api/payments/${pay.body.id}`)).body.unallocated).toBe('5.00')
  })
})
